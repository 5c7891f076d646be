import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { expertLosses, type FractionGate, headMaskedTokenLoss, maskedFeatures, type MariaModel } from '@maria-ts/fusion-head';
import { fixedCountMaskSampler, sampleMaskBatch } from '@maria-ts/masking';
import { type ShardSplit, unmaskableIds } from '@maria-ts/trainer';
import type { BenchProgress } from '../progress.js';
import { openShardsFor } from './open-validation-shards.js';

/** One method's masked-token loss on the validation split. */
export interface HeadLossRow {
  readonly method: 'maria' | 'ar' | 'mlm' | 'maria-gated';
  /** Mean NLL per masked token (nats). */
  readonly loss: number;
  /** exp(loss). */
  readonly ppl: number;
  readonly tokens: number;
}

/** Options of `headLosses`. */
export interface HeadLossOptions {
  /** Exactly ⌈rate·n⌉ of each sequence's n non-special positions are masked. */
  readonly rate: number;
  readonly batchSize: number;
  /** Validation batches to score (capped by the split). */
  readonly batches: number;
  readonly seed: number;
  readonly onBatch?: (done: number, total: number) => void;
  /** Also score the head with this fraction gate on its MLM half (row `maria-gated`). */
  readonly gate?: FractionGate;
}

/**
 * The validation masked-token loss of MARIA, the AR model alone and the MLM alone on the
 * same masked tokens (ARCHITECTURE.md §1.4's loss at a fixed rate): validation sequences in file
 * order, exactly ⌈rate·n⌉ positions masked per sequence (seeded), one pass of each backbone
 * per batch. AR alone is `−log p_AR(x_i | x_<i)`, MLM alone `−log p_MLM(x_i | x̃)`; all
 * three normalise over the tokenizer's ids. Token-weighted means over all batches.
 */
export function headLosses(model: MariaModel, split: ShardSplit, options: HeadLossOptions): HeadLossRow[] {
  const sampler = fixedCountMaskSampler({ rate: options.rate });
  const specialIds = unmaskableIds(model);
  const total = Math.min(options.batches, Math.floor(split.sequenceCount / options.batchSize));
  const sums = { maria: 0, ar: 0, mlm: 0, 'maria-gated': 0 };
  let tokens = 0;
  for (let index = 0; index < total; index++) {
    const batch = split.batchAt(index, { batchSize: options.batchSize, shuffle: false });
    const length = batch.sequenceLength;
    const rows = Array.from({ length: batch.batchSize }, (_, row) => batch.ids.subarray(row * length, (row + 1) * length));
    const { masks } = sampleMaskBatch(sampler, rows, new Rng(options.seed * 1_000_003 + index), { specialIds });
    const mask = new Uint8Array(batch.ids.length);
    masks.forEach((rowMask, row) => mask.set(rowMask, row * length));
    const features = maskedFeatures(model, { ids: batch.ids, mask, batch: batch.batchSize, length });
    try {
      const losses = expertLosses(model, features);
      for (const method of ['maria', 'ar', 'mlm'] as const) sums[method] += losses[method] * losses.tokens;
      if (options.gate) {
        const gated = headMaskedTokenLoss(model.head, features, options.gate);
        sums['maria-gated'] += (gated.dataSync()[0] as number) * losses.tokens;
        gated.dispose();
      }
      tokens += losses.tokens;
    } finally {
      tf.dispose([features.hAR, features.hMLM, features.targets, ...(features.fractions ? [features.fractions] : [])]);
    }
    options.onBatch?.(index + 1, total);
  }
  const methods = options.gate ? (['maria', 'ar', 'mlm', 'maria-gated'] as const) : (['maria', 'ar', 'mlm'] as const);
  return methods.map((method) => {
    const loss = tokens > 0 ? sums[method] / tokens : Number.NaN;
    return { method, loss: Number(loss.toFixed(4)), ppl: Number(Math.exp(loss).toFixed(2)), tokens };
  });
}

/** Options of `runHeadLoss`: `headLosses`' options, the corpus folder and the report's model name. */
export interface HeadLossBenchOptions extends Omit<HeadLossOptions, 'onBatch'> {
  /** Token shards from `maria-train corpus` (their validation split is scored). */
  readonly data: string;
  /** Shown in the report: the model directory, or the embedded model's name. */
  readonly modelName: string;
  /** Progress in batches scored. */
  readonly progress?: BenchProgress;
}

/** What `maria-bench head-loss` prints with --json and writes to head-loss.json. */
export interface HeadLossReport {
  readonly rows: HeadLossRow[];
  readonly settings: { readonly model: string; readonly data: string; readonly rate: number; readonly batches: number; readonly batchSize: number; readonly sequenceLength: number; readonly seed: number };
}

/**
 * `maria-bench head-loss`: opens the corpus's shards (refusing a corpus tokenized with another
 * tokenizer), and scores MARIA, the AR model alone and the MLM alone on the same masked tokens
 * of its validation split (`headLosses`).
 */
export async function runHeadLoss(model: MariaModel, options: HeadLossBenchOptions): Promise<HeadLossReport> {
  const shards = await openShardsFor(options.data, model.tokenizer);
  try {
    const split = shards.split('val');
    const scored = Math.min(options.batches, Math.floor(split.sequenceCount / options.batchSize));
    if (scored === 0) throw new InvalidArgumentError('--batch', options.batchSize, `at most the ${split.sequenceCount} validation sequences of ${options.data}`);
    options.progress?.start(scored);
    const rows = headLosses(model, split, {
      rate: options.rate,
      batchSize: options.batchSize,
      batches: options.batches,
      seed: options.seed,
      onBatch: () => options.progress?.advance(1),
      ...(options.gate ? { gate: options.gate } : {}),
    });
    return { rows, settings: { model: options.modelName, data: options.data, rate: options.rate, batches: scored, batchSize: options.batchSize, sequenceLength: split.sequenceLength, seed: options.seed } };
  } finally {
    shards.close();
  }
}
