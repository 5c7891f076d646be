import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, InvalidArgumentError, TokenizerMismatchError } from '@maria-ts/core';
import { createBackbone, loadBackbone, loadTokenizer, saveCheckpointFiles, type TokenizerJson } from '@maria-ts/backbones';
import { DEFAULT_CORPUS_DIRECTORY } from '../corpus/build-corpus.js';
import { openShards } from '../corpus/open-shards.js';
import { DEFAULT_TOKENIZER_PATH } from '../tokenizer/load-tokenizer.js';
import { runTraining, type TrainRunResult } from '../trainer/train-loop.js';
import type { TrainerOptionsInput } from '../trainer/trainer-options.js';
import { objectives, type MaskRate, type ObjectiveName } from './objectives.js';
import { architecturePresets } from './presets.js';
import { shardBatchSource } from './shard-batch-source.js';
import { trainingProgress } from './training-progress.js';

/** Options of `pretrain`: `maria-train pretrain`'s flags as a call. */
export interface PretrainOptions {
  /** Architecture preset (`architecturePresets`; default `'tiny-llama'`), unless `config` is given. */
  readonly arch?: string;
  /** A config.json object to use instead of the preset (its `model_type` picks the family). */
  readonly config?: Record<string, unknown>;
  /** Start from this checkpoint's weights (same family) with a fresh optimizer and schedule. */
  readonly initFrom?: string;
  /** `'ar'` (default), `'mlm'` or `'diffusion'`. */
  readonly objective?: ObjectiveName;
  /** `mlm` only: a fixed masking rate (default 0.3) or a range drawn per sequence. */
  readonly maskRate?: MaskRate;
  /** Token shards from `buildCorpus` (default the corpus folder `maria-train corpus` writes). */
  readonly data?: string;
  /** The tokenizer.json the shards were made with (default the embedded tiny tokenizer). */
  readonly tokenizer?: string;
  /** Run folder: checkpoints, metrics.jsonl, loss.svg. */
  readonly out: string;
  /** Sequences per step (default 8). */
  readonly batch?: number;
  /** Steps, learning rate, warm-up, decay, clipping, checkpoint and evaluation cadence, seed (`trainerOptionsSchema`). */
  readonly trainer: TrainerOptionsInput;
  /** Continue from the run folder's latest checkpoint. */
  readonly resume?: boolean;
  /** A progress bar on stderr (default false). */
  readonly progress?: boolean;
}

/** What `pretrain` returns: the training run's summary plus what was trained. */
export interface PretrainResult extends TrainRunResult {
  readonly objective: ObjectiveName;
  readonly modelType: string;
  readonly parameters: number;
  readonly out: string;
}

/**
 * Pretrains a backbone from scratch (AR next-token, MLM, or MDLM masked diffusion) on token
 * shards with the resumable training loop (AdamW, warm-up + cosine, checkpoints every
 * `checkpointEvery` steps, exact resume); `maria-train pretrain` is this call. The engine must
 * be started (`initEngine`). Typed errors for an unknown objective or preset, a tokenizer
 * larger than the config's vocabulary, an `initFrom` of another family.
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const objective = options.objective ?? 'ar';
  if (!objectives.has(objective)) objectives.get(objective);
  if (options.maskRate !== undefined && objective !== 'mlm') throw new InvalidArgumentError('maskRate', options.maskRate, 'no maskRate: it applies to the mlm objective only');
  const tokenizerPath = options.tokenizer ?? DEFAULT_TOKENIZER_PATH;
  const dataDir = options.data ?? DEFAULT_CORPUS_DIRECTORY;
  const batch = options.batch ?? 8;
  const { trainer } = options;
  const seed = trainer.seed ?? 0;
  const tokenizer = await loadTokenizer(tokenizerPath);
  const shards = await openShards(dataDir, { tokenizer: tokenizerPath });
  try {
    const preset = options.config ? undefined : architecturePresets.get(options.arch ?? 'tiny-llama');
    const rawConfig: Record<string, unknown> = preset ? { ...preset.config } : { ...(options.config as Record<string, unknown>) };
    const modelType = preset ? preset.modelType : String(rawConfig.model_type);
    const tokenizerJson = JSON.parse(await readFile(tokenizerPath, 'utf8')) as TokenizerJson;
    const special = tokenizer.specialTokens;
    const config = {
      ...rawConfig,
      vocab_size: rawConfig.vocab_size ?? tokenizer.vocabSize,
      ...(special.bos !== undefined ? { bos_token_id: special.bos } : {}),
      ...(special.eos !== undefined ? { eos_token_id: special.eos } : {}),
      ...(special.pad !== undefined ? { pad_token_id: special.pad } : {}),
      ...(special.mask !== undefined && objective !== 'ar' ? { mask_token_id: special.mask } : {}),
    };
    if (Number(config.vocab_size) < tokenizer.vocabSize) {
      throw new TokenizerMismatchError(tokenizerPath, 'model config', `vocab_size ${String(config.vocab_size)} is smaller than the tokenizer's ${tokenizer.vocabSize} ids`);
    }
    const maskOption = special.mask !== undefined ? { maskTokenId: special.mask } : {};
    const backbone = options.initFrom ? await initialWeightsFrom(options.initFrom, modelType, maskOption) : createBackbone(modelType, config, { seed, ...maskOption });
    const progress = trainingProgress(`pretrain ${objective}`, options.progress ?? false);
    try {
      const task = objectives.get(objective)(backbone, { ...(special.mask !== undefined ? { maskTokenId: special.mask } : {}), ...(options.maskRate !== undefined ? { maskRate: options.maskRate } : {}) });
      const data = shardBatchSource(shards, { batchSize: batch, accumulation: trainer.accumulation ?? 1, seed });
      const parameterCount = backbone.variables().reduce((sum, variable) => sum + variable.size, 0);
      const result = await runTraining(task, data, {
        outDir: options.out,
        resume: options.resume ?? false,
        taskDescription: { objective, ...(options.maskRate !== undefined ? { maskRate: options.maskRate } : {}), modelType, config, ...(options.initFrom ? { initFrom: path.resolve(options.initFrom), initHash: backbone.info.contentHash } : {}), tokenizer: tokenizer.fingerprint(), batch, data: path.resolve(dataDir) },
        options: trainer,
        exportModel: async (dir) => {
          const { config: checkpointConfig, tensors } = backbone.toCheckpoint();
          await saveCheckpointFiles(dir, { config: checkpointConfig, tensors, dtype: 'F32', tokenizerJson });
        },
        onStep: progress.onStep,
      });
      return { ...result, objective, modelType, parameters: parameterCount, out: options.out };
    } finally {
      progress.stop();
      backbone.dispose();
      tf.disposeVariables();
    }
  } finally {
    shards.close();
  }
}

/**
 * `initFrom`: the backbone of an existing checkpoint, which must be of the family the run
 * trains. Its weights start the run; optimizer state and schedule start fresh.
 */
async function initialWeightsFrom(dir: string, modelType: string, options: { maskTokenId?: number }): Promise<Awaited<ReturnType<typeof loadBackbone>>> {
  const backbone = await loadBackbone(dir, { ...options, trainable: true });
  if (backbone.info.family !== modelType) {
    backbone.dispose();
    throw new CheckpointError(dir, `--init-from holds a ${backbone.info.family} checkpoint, but this run trains ${modelType}`);
  }
  return backbone;
}
