import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { CacheCapacityError } from '../errors.js';
import { ChunkedKVCache, type ChunkedKVCacheOptions } from './kv-cache.js';

const EXACT = { atol: 0, rtol: 0 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const geometry = { batchSize: 1, numLayers: 2, numKeyValueHeads: 2, headDim: 3 };

/** Keys/values for positions [start, start + count) whose values encode the position. */
function positions(start: number, count: number) {
  const values = tf.tidy(() => tf.add(tf.range(start, start + count).reshape([1, 1, count, 1]), tf.zeros([1, 2, count, 3])) as tf.Tensor4D);
  const keysTransposed = tf.tidy(() => tf.transpose(tf.mul(values, -1), [0, 1, 3, 2]) as tf.Tensor4D);
  return { keysTransposed, values };
}

function appendAll(cache: ChunkedKVCache, count: number): void {
  const start = cache.length;
  for (let layer = 0; layer < cache.numLayers; layer++) {
    const { keysTransposed, values } = positions(start, count);
    cache.append(layer, keysTransposed, values);
  }
  cache.advance(count);
}

function make(options: Partial<ChunkedKVCacheOptions> = {}): ChunkedKVCache {
  return new ChunkedKVCache({ ...geometry, capacity: 4096, ...options });
}

describe('ChunkedKVCache', () => {
  it('with ratio 2 and no small-chunk threshold merges like a binary counter', () => {
    const cache = make({ mergeRatio: 2, smallChunk: 0 });
    const seen: number[][] = [];
    for (let step = 1; step <= 11; step++) {
      appendAll(cache, 1);
      seen.push([...cache.chunkLengths(0)]);
    }
    // 11 = 8 + 2 + 1
    expect(seen[10]).toEqual([8, 2, 1]);
    expect(seen.map((lengths) => lengths.reduce((a, b) => a + b, 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    seen.forEach((lengths, i) => expect(lengths.length).toBeLessThanOrEqual(Math.floor(Math.log2(i + 1)) + 1));
    cache.dispose();
  });

  it('keeps O(log length) chunks by default and holds every position in order', () => {
    const cache = make();
    let maxChunks = 0;
    const chunkSizes = [7, 1, 1, 300, 1, 1, 1, 40, ...Array<number>(200).fill(1), 500];
    for (const size of chunkSizes) {
      appendAll(cache, size);
      maxChunks = Math.max(maxChunks, cache.chunkLengths(1).length);
    }
    expect(cache.length).toBe(chunkSizes.reduce((a, b) => a + b, 0));
    expect(maxChunks).toBeLessThanOrEqual(Math.ceil(Math.log(cache.length / 256) / Math.log(4)) + 3);
    const { keys, values } = cache.layer(1);
    expect(values.shape).toEqual([1, 2, cache.length, 3]);
    const expected = tf.tidy(() => tf.add(tf.range(0, cache.length).reshape([1, 1, cache.length, 1]), tf.zeros([1, 2, cache.length, 3])));
    expectTensorClose(values, expected, EXACT);
    expectTensorClose(tf.neg(keys), expected, EXACT);
    tf.dispose([keys, values, expected]);
    cache.dispose();
  });

  it('truncates inside a chunk and keeps appending after it', () => {
    const cache = make({ mergeRatio: 2, smallChunk: 0 });
    for (let i = 0; i < 6; i++) appendAll(cache, 1);
    cache.truncate(3);
    expect(cache.length).toBe(3);
    appendAll(cache, 2);
    const { keys, values } = cache.layer(0);
    expect(Array.from(values.dataSync()).filter((_, i) => i % 3 === 0).slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    tf.dispose([keys, values]);
    cache.dispose();
  });

  it('refuses to grow past its capacity with a typed error', () => {
    const cache = make({ capacity: 4 });
    appendAll(cache, 3);
    expect(() => cache.ensureRoom(2)).toThrowError(/cannot take 2 more \(capacity 4\)/);
    try {
      cache.ensureRoom(2);
    } catch (error) {
      expect(CacheCapacityError.isInstance(error)).toBe(true);
    }
    cache.dispose();
  });

  it('frees every tensor it holds on dispose', () => {
    const before = tf.memory().numTensors;
    const cache = make();
    for (let i = 0; i < 40; i++) appendAll(cache, 1 + (i % 3));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
