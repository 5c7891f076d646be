import { Rng, tf } from '@maria-ts/core';
import { expertLosses, type FractionGate, headMaskedTokenLoss, maskedFeatures, type MariaModel } from '@maria-ts/fusion-head';
import { fixedCountMaskSampler, sampleMaskBatch } from '@maria-ts/masking';
import { type ShardSplit, unmaskableIds } from '@maria-ts/trainer';

/** One method's masked-token loss on the validation split. */
export interface HeadLossRow {
  readonly method: 'maria' | 'ar' | 'mlm' | 'maria-gated';
  /** Mean NLL per masked token (nats). */
  readonly loss: number;
  /** exp(loss). */
  readonly ppl: number;
  readonly tokens: number;
}

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
