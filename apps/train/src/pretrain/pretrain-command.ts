import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CheckpointError, initEngine, InvalidArgumentError, tf, TokenizerMismatchError } from '@maria-ts/core';
import { ENGINE_OPTION, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { createBackbone, loadBackbone, loadTokenizer, saveCheckpointFiles } from '@maria-ts/backbones';
import { DEFAULT_CORPUS_DIRECTORY } from '../corpus/build-corpus.js';
import { openShards } from '../corpus/open-shards.js';
import { DEFAULT_TOKENIZER_PATH } from '../tokenizer/load-tokenizer.js';
import { runTraining } from '../trainer/train-loop.js';
import { addTrainerOptions, trainerOptionsFromFlags, type TrainerFlags } from '../trainer/trainer-flags.js';
import { objectives, parseMaskRate, type MaskRate, type ObjectiveName } from './objectives.js';
import { architecturePresets } from './presets.js';
import { shardBatchSource } from './shard-batch-source.js';
import { trainingProgress } from './training-progress.js';

interface PretrainFlags extends TrainerFlags {
  arch: string;
  config?: string;
  initFrom?: string;
  objective: ObjectiveName;
  maskRate?: MaskRate;
  data: string;
  tokenizer: string;
  out: string;
  engine?: string;
  threads?: string;
  progress: boolean;
  json?: boolean;
}

/** `maria-train pretrain`: train a tiny AR, MLM or diffusion backbone from scratch on token shards. */
export function registerPretrainCommand(program: Command): void {
  const command = program
    .command('pretrain')
    .description('pretrain a backbone from scratch (AR next-token, MLM at 30%, or MDLM masked diffusion) with resumable checkpoints')
    .option('--arch <preset>', `architecture preset (${architecturePresets.names().join(', ')})`, 'tiny-llama')
    .option('--config <file>', 'a config.json to use instead of the preset (its model_type picks the family)')
    .option('--init-from <dir>', 'start from this checkpoint\'s weights (same architecture) with a fresh optimizer and schedule, e.g. to train a longer-trained judge')
    .option('--objective <name>', 'ar | mlm | diffusion', 'ar')
    .option('--mask-rate <p|min:max>', 'mlm only: a fixed masking rate (default 0.3), or a range min:max drawn per sequence, stratified across the batch', parseMaskRate)
    .option('--data <dir>', 'token shards from `maria-train corpus`', DEFAULT_CORPUS_DIRECTORY)
    .option('--tokenizer <file>', 'tokenizer.json the shards were made with', DEFAULT_TOKENIZER_PATH)
    .option('--out <dir>', 'run folder (checkpoints, metrics.jsonl, loss.svg)', 'runs/pretrain');
  addTrainerOptions(command, {
    defaults: { steps: 3000, batch: 8, lr: 1e-3, warmup: 100, weightDecay: 0.1, checkpointEvery: 100, evalEvery: 100, evalBatches: 8 },
    help: { weightDecay: 'AdamW decoupled weight decay', evalBatches: 'validation batches per pass', seed: 'seed of the init, data order and masks' },
  });
  command
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action((flags: PretrainFlags) =>
      runMain(async () => {
        if (!objectives.has(flags.objective)) objectives.get(flags.objective);
        if (flags.maskRate !== undefined && flags.objective !== 'mlm') throw new InvalidArgumentError('--mask-rate', typeof flags.maskRate === 'object' ? `${flags.maskRate.min}:${flags.maskRate.max}` : String(flags.maskRate), 'no --mask-rate: it applies to --objective mlm only');
        await initEngine({ engine: flags.engine, threads: flags.threads });

        const tokenizer = await loadTokenizer(flags.tokenizer);
        const shards = await openShards(flags.data, { tokenizer: flags.tokenizer });
        const preset = flags.config ? undefined : architecturePresets.get(flags.arch);
        const rawConfig: Record<string, unknown> = preset ? { ...preset.config } : (JSON.parse(await readFile(flags.config as string, 'utf8')) as Record<string, unknown>);
        const modelType = preset ? preset.modelType : String(rawConfig.model_type);
        const tokenizerJson = JSON.parse(await readFile(flags.tokenizer, 'utf8'));
        const special = tokenizer.specialTokens;
        const config = {
          ...rawConfig,
          vocab_size: rawConfig.vocab_size ?? tokenizer.vocabSize,
          ...(special.bos !== undefined ? { bos_token_id: special.bos } : {}),
          ...(special.eos !== undefined ? { eos_token_id: special.eos } : {}),
          ...(special.pad !== undefined ? { pad_token_id: special.pad } : {}),
          ...(special.mask !== undefined && flags.objective !== 'ar' ? { mask_token_id: special.mask } : {}),
        };
        if (Number(config.vocab_size) < tokenizer.vocabSize) {
          throw new TokenizerMismatchError(flags.tokenizer, 'model config', `vocab_size ${String(config.vocab_size)} is smaller than the tokenizer's ${tokenizer.vocabSize} ids`);
        }
        const maskOption = special.mask !== undefined ? { maskTokenId: special.mask } : {};
        const backbone = flags.initFrom ? await initialWeightsFrom(flags.initFrom, modelType, maskOption) : createBackbone(modelType, config, { seed: flags.seed, ...maskOption });
        const task = objectives.get(flags.objective)(backbone, { ...(special.mask !== undefined ? { maskTokenId: special.mask } : {}), ...(flags.maskRate !== undefined ? { maskRate: flags.maskRate } : {}) });
        const data = shardBatchSource(shards, { batchSize: flags.batch, accumulation: flags.accumulation, seed: flags.seed });
        const progress = trainingProgress(`pretrain ${flags.objective}`, flags.progress && !flags.json);
        const parameterCount = backbone.variables().reduce((sum, variable) => sum + variable.size, 0);
        try {
          const result = await runTraining(task, data, {
            outDir: flags.out,
            resume: flags.resume,
            taskDescription: { objective: flags.objective, ...(flags.maskRate !== undefined ? { maskRate: flags.maskRate } : {}), modelType, config, ...(flags.initFrom ? { initFrom: path.resolve(flags.initFrom), initHash: backbone.info.contentHash } : {}), tokenizer: tokenizer.fingerprint(), batch: flags.batch, data: path.resolve(flags.data) },
            options: trainerOptionsFromFlags(flags),
            exportModel: async (dir) => {
              const { config: checkpointConfig, tensors } = backbone.toCheckpoint();
              await saveCheckpointFiles(dir, { config: checkpointConfig, tensors, dtype: 'F32', tokenizerJson });
            },
            onStep: progress.onStep,
          });
          progress.stop();
          const summary = { ...result, objective: flags.objective, modelType, parameters: parameterCount, out: flags.out };
          process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `pretrain: ${JSON.stringify(summary)}\n`);
        } finally {
          progress.stop();
          shards.close();
          backbone.dispose();
          tf.disposeVariables();
        }
      }, { json: () => Boolean(flags.json) }),
    );
}

/**
 * `--init-from`: the backbone of an existing checkpoint, which must be of the family the run
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
