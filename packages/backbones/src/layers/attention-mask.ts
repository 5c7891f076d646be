import * as tf from '@tensorflow/tfjs';

/**
 * Added to the attention score of a key a query must not see. Finite so that a query
 * whose every key is masked (a padded row) yields a uniform average, not NaN; exp of
 * −1e9 below the row maximum underflows to exactly 0 in float32.
 */
export const MASKED_SCORE = -1e9;

export interface AttentionMaskOptions {
  readonly batchSize: number;
  readonly queryLength: number;
  readonly keyLength: number;
  /** Absolute position of the first query; keys sit at positions 0..keyLength−1. */
  readonly queryOffset: number;
  /** Query at position p sees keys at positions ≤ p only. */
  readonly causal: boolean;
  /** Sliding window: a query sees keys with |p − s| ≤ maxDistance (ModernBERT local layers). */
  readonly maxDistance?: number | null;
  /** [batch × keyLength] row-major, 1 for a real token and 0 for padding. */
  readonly keyPadding?: ArrayLike<number> | null;
}

/**
 * The additive attention bias [batch or 1, 1, queries, keys] for causal, bidirectional,
 * sliding-window and padding masks, or null when nothing is masked (a single decode step
 * without padding), so the common decode path adds no op at all. Built on the host because
 * it depends only on positions, never on values.
 */
export function attentionBias(options: AttentionMaskOptions): tf.Tensor4D | null {
  const bias = attentionBiasValues(options);
  return bias === null ? null : tf.tensor4d(bias.values, [bias.rows, 1, options.queryLength, options.keyLength]);
}

/** `attentionBias`'s values on the host, row-major [rows, 1, queries, keys] (rows: batch or 1), or null when nothing is masked. */
export function attentionBiasValues(options: AttentionMaskOptions): { readonly values: Float32Array; readonly rows: number } | null {
  const { batchSize, queryLength, keyLength, queryOffset, causal } = options;
  const maxDistance = options.maxDistance ?? null;
  const padding = options.keyPadding ?? null;
  const hasPadding = padding !== null && Array.prototype.some.call(padding, (value: number) => value === 0);
  const lastQuery = queryOffset + queryLength - 1;
  const causalMasks = causal && queryOffset < keyLength - 1;
  const windowMasks = maxDistance !== null && Math.max(lastQuery, keyLength - 1 - queryOffset) > maxDistance;
  if (!hasPadding && !causalMasks && !windowMasks) return null;
  const rows = hasPadding ? batchSize : 1;
  const bias = new Float32Array(rows * queryLength * keyLength);
  for (let b = 0; b < rows; b++) {
    for (let q = 0; q < queryLength; q++) {
      const position = queryOffset + q;
      const rowStart = (b * queryLength + q) * keyLength;
      for (let k = 0; k < keyLength; k++) {
        const hidden =
          (causal && k > position) ||
          (maxDistance !== null && Math.abs(position - k) > maxDistance) ||
          (hasPadding && (padding[b * keyLength + k] as number) === 0);
        if (hidden) bias[rowStart + k] = MASKED_SCORE;
      }
    }
  }
  return { values: bias, rows };
}
