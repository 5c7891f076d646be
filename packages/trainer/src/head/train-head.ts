import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, writeFileAtomic } from '@maria-ts/core';
import type { StoredDtype } from '@maria-ts/backbones';
import { betaMaskSampler } from '@maria-ts/masking';
import { backboneIdentity, type FractionGate, type FusionHeadConfig, type FusionHeadPairing, type LinearFusionHead, MariaModel, saveFractionGate, saveFusionHead } from '@maria-ts/fusion-head';
import type { TokenShards } from '../corpus/open-shards.js';
import { shardBatchSource } from '../pretrain/shard-batch-source.js';
import { trainingProgress } from '../pretrain/training-progress.js';
import { MetricsLog, type MetricsRecord } from '../trainer/metrics-log.js';
import { bestValidation, runTraining, type TrainRunResult } from '../trainer/train-loop.js';
import type { BatchSource } from '../trainer/training-task.js';
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
  /**
   * Weight decay pulls W3 toward the head the run started from (the PoE initialisation for
   * `--init poe`) instead of toward 0 (`--decay-to-init`); recorded, so resume refuses a change.
   */
  readonly decayToInit?: boolean;
  /**
   * Validation batches from these shards (another source than the training text) instead of
   * the training corpus's own validation split: its validation split, or its training split
   * when the validation split is empty. Recorded, so resume refuses a change.
   */
  readonly validationShards?: TokenShards;
  /** Early stopping on the validation loss after this many passes without improvement; the best head is kept and exported. */
  readonly patience?: number;
  /**
   * Train this fraction gate with the head (opt-in, `--fraction-gate`): it is saved as
   * `fraction-gate.json` beside every checkpoint's head and the exported head; loaders that
   * do not ask for it read the head as plain MARIA. Recorded, so resume refuses a change.
   */
  readonly gate?: FractionGate;
  /**
   * Train only `gate`, on top of a head that stays frozen (`from`, an already trained head):
   * the head's file is saved unchanged beside each checkpoint's gate. Needs `gate` and `from`;
   * decay toward the initialisation does not apply (the gate is not decayed). Recorded.
   */
  readonly gateOnly?: boolean;
}

/** The learning curve a head run writes to `learning-curve.json` (from metrics.jsonl). */
export interface LearningCurve {
  /** Sequence tokens per optimisation step (batch × length × accumulation). */
  readonly tokensPerStep: number;
  readonly train: { step: number; tokens: number; loss: number }[];
  readonly validation: { step: number; tokens: number; loss: number }[];
  readonly best: { step: number; tokens: number; loss: number } | null;
  readonly stoppedEarly: boolean;
}

/** The learning curve of a run's metrics (training loss each step, validation loss each pass). */
export function learningCurve(records: readonly MetricsRecord[], tokensPerStep: number, stoppedEarly: boolean): LearningCurve {
  const train = records.filter((r) => r.loss !== undefined).map((r) => ({ step: r.step, tokens: r.step * tokensPerStep, loss: r.loss as number }));
  const validation = records.filter((r) => r.validationLoss !== undefined).map((r) => ({ step: r.step, tokens: r.step * tokensPerStep, loss: r.validationLoss as number }));
  const best = bestValidation(records);
  return { tokensPerStep, train, validation, best: best ? { step: best.step, tokens: best.step * tokensPerStep, loss: best.validationLoss } : null, stoppedEarly };
}

/** Batches for training from `source`, for validation from `validation`'s shards (see `TrainHeadOptions.validationShards`). */
export function withValidationFrom(source: BatchSource, validation: TokenShards, batchSize: number): BatchSource {
  const split = validation.split(validation.split('val').sequenceCount >= batchSize ? 'val' : 'train');
  return {
    train: (step, micro) => source.train(step, micro),
    validationBatches: Math.floor(split.sequenceCount / batchSize),
    validation(index) {
      const batch = split.batchAt(index, { batchSize, shuffle: false });
      return { ids: batch.ids, batch: batch.batchSize, length: batch.sequenceLength };
    },
  };
}

/** The learning curve's file in a head run folder. */
export const LEARNING_CURVE_FILE = 'learning-curve.json';

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
  if (options.gateOnly) {
    if (options.from === undefined) throw new InvalidArgumentError('gateOnly', true, 'a trained head to fit the gate on (--head <dir>)');
    if (options.decayToInit) throw new InvalidArgumentError('decayToInit', true, 'no decay toward the initialisation with gateOnly: the head is frozen and the gate is not decayed');
  }
  const task = headTrainingTask(model, { sampler: betaMaskSampler(masking), ...(options.gate ? { gate: options.gate } : {}), ...(options.gateOnly ? { gateOnly: true } : {}) });
  const seed = options.trainer.seed ?? 0;
  const trainingData = shardBatchSource(shards, { batchSize: options.batch, accumulation: options.trainer.accumulation ?? 1, seed });
  const data = options.validationShards ? withValidationFrom(trainingData, options.validationShards, options.batch) : trainingData;
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
    ...(options.decayToInit ? { decayToward: 'init' } : {}),
    ...(options.validationShards ? { validationData: path.resolve(options.validationShards.directory) } : {}),
    ...(options.gate ? { fractionGate: 'ar+mlm' } : {}),
    ...(options.gateOnly ? { gateOnly: true } : {}),
  };
  const gate = options.gate;
  const saveHead = async (dir: string) => {
    await saveFusionHead(head, dir, { pairing, training: { init: options.init, from: options.from ?? null } });
    if (gate) await saveFractionGate(gate, dir);
  };
  const headVariables = head.variables();
  const decayToward = options.decayToInit
    ? new Map<tf.Variable, tf.Tensor>([headVariables.arWeight, headVariables.mlmWeight, headVariables.bias].map((variable) => [variable, tf.clone(variable)]))
    : undefined;
  let result: TrainRunResult;
  try {
    result = await runTraining(task, data, {
      outDir: options.out,
      options: options.trainer,
      taskDescription,
      resume: options.resume ?? false,
      evaluateAtStart: true,
      exportModel: saveHead,
      onStep: progress.onStep,
      ...(decayToward ? { decayToward } : {}),
      ...(options.patience !== undefined ? { earlyStopping: { patience: options.patience } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
    });
  } finally {
    progress.stop();
    decayToward?.forEach((anchor) => anchor.dispose());
  }
  const metrics = await new MetricsLog(path.join(options.out, 'metrics.jsonl')).read();
  const sample = data.train(0, 0);
  const curve = learningCurve(metrics, sample.batch * sample.length * (options.trainer.accumulation ?? 1), result.stoppedEarly ?? false);
  await writeFileAtomic(path.join(options.out, LEARNING_CURVE_FILE), `${JSON.stringify(curve)}\n`);
  const initial = metrics.find((record) => record.step === 0 && record.validationLoss !== undefined);
  const lastStep = [...metrics].reverse().find((record) => record.tokensPerSecond !== undefined);
  let exported: FusionHeadConfig | null = null;
  if (options.exportDir !== undefined && (result.finalStep >= (options.trainer.steps ?? 0) || result.stoppedEarly === true)) {
    exported = await exportMariaDirectory(pair, head, {
      out: options.exportDir,
      dtype: options.exportDtype ?? 'F32',
      training: { ...taskDescription, steps: result.finalStep, options: options.trainer, validationLoss: result.lastValidationLoss, initialValidationLoss: initial?.validationLoss ?? null },
      ...(gate ? { gate } : {}),
    });
  }
  return { ...result, initialValidationLoss: initial?.validationLoss ?? null, tokensPerSecond: lastStep?.tokensPerSecond ?? null, metrics, exported };
}
