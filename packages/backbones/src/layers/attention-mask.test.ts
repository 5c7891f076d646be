import type * as tf from '@tensorflow/tfjs';
import { testEngineOptions } from '@maria-ts/core/testing';
import { initEngine } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionBias, MASKED_SCORE } from './attention-mask.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

/** The bias as a 0/1 "visible" matrix per batch row. */
function visibility(bias: tf.Tensor4D | null): number[][][] | null {
  if (!bias) return null;
  const rows = bias.arraySync() as number[][][][];
  bias.dispose();
  return rows.map((batch) => (batch[0] as number[][]).map((row) => row.map((value) => (value === MASKED_SCORE ? 0 : 1))));
}

describe('attentionBias', () => {
  it('is null when nothing is masked: a single decode step, or a short bidirectional input', () => {
    expect(attentionBias({ batchSize: 1, queryLength: 1, keyLength: 9, queryOffset: 8, causal: true })).toBeNull();
    expect(attentionBias({ batchSize: 2, queryLength: 4, keyLength: 4, queryOffset: 0, causal: false })).toBeNull();
    expect(attentionBias({ batchSize: 1, queryLength: 4, keyLength: 4, queryOffset: 0, causal: false, maxDistance: 3 })).toBeNull();
  });

  it('masks future keys for causal attention, offset by the cache length', () => {
    expect(visibility(attentionBias({ batchSize: 1, queryLength: 3, keyLength: 3, queryOffset: 0, causal: true }))).toEqual([
      [
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1],
      ],
    ]);
    expect(visibility(attentionBias({ batchSize: 1, queryLength: 2, keyLength: 4, queryOffset: 2, causal: true }))).toEqual([
      [
        [1, 1, 1, 0],
        [1, 1, 1, 1],
      ],
    ]);
  });

  it('keeps |query − key| <= maxDistance for sliding windows (ModernBERT local_attention // 2)', () => {
    expect(visibility(attentionBias({ batchSize: 1, queryLength: 5, keyLength: 5, queryOffset: 0, causal: false, maxDistance: 1 }))).toEqual([
      [
        [1, 1, 0, 0, 0],
        [1, 1, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [0, 0, 1, 1, 1],
        [0, 0, 0, 1, 1],
      ],
    ]);
  });

  it('masks padded keys per batch row and combines with causality', () => {
    const mask = visibility(attentionBias({ batchSize: 2, queryLength: 3, keyLength: 3, queryOffset: 0, causal: true, keyPadding: [1, 1, 1, 0, 1, 1] }));
    expect(mask).toEqual([
      [
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1],
      ],
      [
        [0, 0, 0],
        [0, 1, 0],
        [0, 1, 1],
      ],
    ]);
  });
});
