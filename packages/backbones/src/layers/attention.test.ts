import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, it } from 'vitest';
import { attendOverChunks } from './attention.js';
import { attentionBias } from './attention-mask.js';

/** float32 products against a float64 reference. */
const FLOAT32 = { atol: 1e-5, rtol: 1e-4 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

function randomArray(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.normal());
}

/**
 * Plain float64 attention with Hugging Face's repeat_kv semantics: query head h uses key
 * head floor(h / (H / Hkv)); `visible(q, k)` says whether query q may see key k.
 */
function referenceAttention(
  query: Float32Array,
  keys: Float32Array,
  values: Float32Array,
  shape: { batch: number; queries: number; keyLength: number; heads: number; kvHeads: number; dim: number },
  visible: (q: number, k: number) => boolean,
): number[] {
  const { batch, queries, keyLength, heads, kvHeads, dim } = shape;
  const group = heads / kvHeads;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < queries; q++) {
      for (let h = 0; h < heads; h++) {
        const kv = Math.floor(h / group);
        const scores: number[] = [];
        for (let k = 0; k < keyLength; k++) {
          let dot = 0;
          for (let i = 0; i < dim; i++) dot += query[((b * queries + q) * heads + h) * dim + i]! * keys[((b * keyLength + k) * kvHeads + kv) * dim + i]!;
          scores.push(visible(q, k) ? dot / Math.sqrt(dim) : -Infinity);
        }
        const max = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - max));
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        for (let i = 0; i < dim; i++) {
          let sum = 0;
          for (let k = 0; k < keyLength; k++) sum += (weights[k]! / total) * values[((b * keyLength + k) * kvHeads + kv) * dim + i]!;
          out.push(sum);
        }
      }
    }
  }
  return out;
}

/** Splits keys [B, S, Hkv, D] / values into chunks in the cache layout. */
function chunked(keys: tf.Tensor4D, values: tf.Tensor4D, lengths: number[]) {
  const keyChunks = tf.split(keys, lengths, 1).map((chunk) => tf.transpose(chunk, [0, 2, 3, 1]) as tf.Tensor4D);
  const valueChunks = tf.split(values, lengths, 1).map((chunk) => tf.transpose(chunk, [0, 2, 1, 3]) as tf.Tensor4D);
  return { keyChunks, valueChunks };
}

describe('attendOverChunks', () => {
  const cases = [
    { name: 'multi-head', heads: 4, kvHeads: 4 },
    { name: 'grouped-query', heads: 4, kvHeads: 2 },
    { name: 'multi-query', heads: 4, kvHeads: 1 },
  ];
  for (const { name, heads, kvHeads } of cases) {
    it(`matches a float64 reference for ${name} attention, causal, over one or several chunks`, () => {
      const rng = new Rng(7);
      const shape = { batch: 2, queries: 5, keyLength: 5, heads, kvHeads, dim: 4 };
      const queryData = randomArray(rng, 2 * 5 * heads * 4);
      const keyData = randomArray(rng, 2 * 5 * kvHeads * 4);
      const valueData = randomArray(rng, 2 * 5 * kvHeads * 4);
      const expected = referenceAttention(queryData, keyData, valueData, shape, (q, k) => k <= q);
      tf.tidy(() => {
        const query = tf.tensor4d(queryData, [2, 5, heads, 4]);
        const keys = tf.tensor4d(keyData, [2, 5, kvHeads, 4]);
        const values = tf.tensor4d(valueData, [2, 5, kvHeads, 4]);
        const bias = attentionBias({ batchSize: 2, queryLength: 5, keyLength: 5, queryOffset: 0, causal: true });
        for (const lengths of [[5], [2, 3], [1, 1, 3]]) {
          const { keyChunks, valueChunks } = chunked(keys, values, lengths);
          const actual = attendOverChunks(query, keyChunks, valueChunks, bias, { numHeads: heads, numKeyValueHeads: kvHeads, headDim: 4 }, 0.5);
          expectTensorClose(actual.reshape([-1]), expected, FLOAT32);
        }
      });
    });
  }

  it('lets the last queries of a chunk see the earlier chunks (decode offset)', () => {
    const rng = new Rng(3);
    const shape = { batch: 1, queries: 2, keyLength: 6, heads: 2, kvHeads: 1, dim: 4 };
    const queryData = randomArray(rng, 2 * 2 * 4);
    const keyData = randomArray(rng, 6 * 4);
    const valueData = randomArray(rng, 6 * 4);
    // Queries at absolute positions 4 and 5 see keys 0..4 and 0..5.
    const expected = referenceAttention(queryData, keyData, valueData, shape, (q, k) => k <= q + 4);
    tf.tidy(() => {
      const bias = attentionBias({ batchSize: 1, queryLength: 2, keyLength: 6, queryOffset: 4, causal: true });
      const { keyChunks, valueChunks } = chunked(tf.tensor4d(keyData, [1, 6, 1, 4]), tf.tensor4d(valueData, [1, 6, 1, 4]), [4, 2]);
      const actual = attendOverChunks(tf.tensor4d(queryData, [1, 2, 2, 4]), keyChunks, valueChunks, bias, { numHeads: 2, numKeyValueHeads: 1, headDim: 4 }, 0.5);
      expectTensorClose(actual.reshape([-1]), expected, FLOAT32);
    });
  });
});
