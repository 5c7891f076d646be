import path from 'node:path';
import type { StoredDtype } from '@maria-ts/backbones';
import { betaMaskSampler } from '@maria-ts/masking';
import { backboneIdentity, type FusionHeadConfig, type FusionHeadPairing, type LinearFusionHead, MariaModel, saveFusionHead } from '@maria-ts/fusion-head';
import type { TokenShards } from '../corpus/open-shards.js';
import { shardBatchSource } from '../pretrain/shard-batch-source.js';
import { trainingProgress } from '../pretrain/training-progress.js';
import { MetricsLog, type MetricsRecord } from '../trainer/metrics-log.js';
import { runTraining, type TrainRunResult } from '../trainer/train-loop.js';
import type { TrainerOptionsInput } from '../trainer/trainer-options.js';
import { exportMariaDirectory } from './export-maria.js';
import { headTrainingTask } from './head-task.js';
import type { HeadInitChoice } from './initial-head.js';
import type { BackbonePair } from './load-backbone-pair.js';

export interface TrainHeadOptions {
  /** Run folder: checkpoints (each one also a head directory), metrics.jsonl, loss.svg. */
  readonly out: string;
  readonly trainer: TrainerOptionsInput;
  /** Sequences per micro-batch. */
  readonly batch: number;
  /** How the head was initialised (recorded; resume refuses a different one). */
  readonly init: HeadInitChoice;
  /** Head directory the run started from, when not a fresh init. */
  readonly from?: string | undefined;
  /** Beta(α, β) of the per-sequence masking rate (default: the paper's 2.5, 2.5); recorded, so resume refuses a change. */
  readonly masking?: { readonly alpha: number; readonly beta: number };
  readonly resume?: boolean;
  /** Write a MARIA directory here at the end. */
  readonly exportDir?: string | undefined;
  readonly exportDtype?: StoredDtype;
  /** Progress bar label, or false for none. */
  readonly progress?: string | false;
  readonly signal?: AbortSignal;
  /** Stop after this many steps in this process (tests simulate a crash). */
  readonly stopAfter?: number;
}

/** The paper's masking-rate distribution for head training, Beta(2.5, 2.5). */
export const DEFAULT_HEAD_MASKING = { alpha: 2.5, beta: 2.5 } as const;

export interface TrainHeadResult extends TrainRunResult {
  /** Validation loss before the first step (fresh runs only). */
  readonly initialValidationLoss: number | null;
  /** Sequence tokens per second over this process's steps (both backbones read every token). */
  readonly tokensPerSecond: number | null;
  readonly metrics: MetricsRecord[];
  readonly exported: FusionHeadConfig | null;
}

/**
 * Trains a fusion head on frozen backbones with the shared trainer (`runTraining`): Beta
 * masking, AdamW with warm-up and cosine decay, accumulation, clipping, validation, JSONL
 * metrics, a loss chart and atomic, exactly resumable checkpoints. The head is trained in
 * place; the pair and the head stay owned by the caller.
 */
export async function trainHead(pair: BackbonePair, head: LinearFusionHead, shards: TokenShards, options: TrainHeadOptions): Promise<TrainHeadResult> {
  const model = new MariaModel({ ar: pair.ar, mlm: pair.mlm, head, tokenizer: pair.tokenizer, ...(pair.mlmTokenizer ? { mlmTokenizer: pair.mlmTokenizer } : {}) });
  const masking = options.masking ?? DEFAULT_HEAD_MASKING;
  const task = headTrainingTask(model, { sampler: betaMaskSampler(masking) });
  const seed = options.trainer.seed ?? 0;
  const data = shardBatchSource(shards, { batchSize: options.batch, accumulation: options.trainer.accumulation ?? 1, seed });
  const pairing: FusionHeadPairing = { ar: backboneIdentity(pair.ar, pair.sources.ar), mlm: backboneIdentity(pair.mlm, pair.sources.mlm), tokenizer: pair.tokenizer };
  const progress = trainingProgress(options.progress || 'head', options.progress !== false);
  const taskDescription = {
    objective: 'maria-head',
    masking: { kind: 'beta', alpha: masking.alpha, beta: masking.beta },
    init: options.init,
    from: options.from ?? null,
    ar: pairing.ar.contentHash,
    mlm: pairing.mlm.contentHash,
    tokenizer: pair.tokenizer.fingerprint(),
    batch: options.batch,
    data: path.resolve(shards.directory),
  };
  let result: TrainRunResult;
  try {
    result = await runTraining(task, data, {
      outDir: options.out,
      options: options.trainer,
      taskDescription,
      resume: options.resume ?? false,
      evaluateAtStart: true,
      exportModel: (dir) => saveFusionHead(head, dir, { pairing, training: { init: options.init, from: options.from ?? null } }).then(() => undefined),
      onStep: progress.onStep,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
    });
  } finally {
    progress.stop();
  }
  const metrics = await new MetricsLog(path.join(options.out, 'metrics.jsonl')).read();
  const initial = metrics.find((record) => record.step === 0 && record.validationLoss !== undefined);
  const lastStep = [...metrics].reverse().find((record) => record.tokensPerSecond !== undefined);
  let exported: FusionHeadConfig | null = null;
  if (options.exportDir !== undefined && result.finalStep >= (options.trainer.steps ?? 0)) {
    exported = await exportMariaDirectory(pair, head, {
      out: options.exportDir,
      dtype: options.exportDtype ?? 'F32',
      training: { ...taskDescription, steps: result.finalStep, options: options.trainer, validationLoss: result.lastValidationLoss, initialValidationLoss: initial?.validationLoss ?? null },
    });
  }
  return { ...result, initialValidationLoss: initial?.validationLoss ?? null, tokensPerSecond: lastStep?.tokensPerSecond ?? null, metrics, exported };
}
