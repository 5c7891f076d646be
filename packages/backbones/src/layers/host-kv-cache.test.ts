import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { CacheCapacityError } from '../errors.js';
import { hostCachedAttention } from './host-decode.js';
import { HostKVCache } from './host-kv-cache.js';
import { ChunkedKVCache } from './kv-cache.js';
import { createSimdKernels } from './simd-kernels.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

/** Writes, into every layer, keys = position and values = −position for `count` new positions, then advances. */
function fill(cache: HostKVCache, count: number): void {
  const start = cache.length;
  cache.ensureRoom(count);
  for (let layer = 0; layer < cache.numLayers; layer++) {
    const { store, keys, values, room } = cache.buffers(layer);
    for (let block = 0; block < cache.batchSize * cache.numKeyValueHeads; block++) {
      for (let t = start; t < start + count; t++) {
        for (let i = 0; i < cache.headDim; i++) {
          store[keys + (block * room + t) * cache.headDim + i] = t + 1000 * layer;
          store[values + (block * room + t) * cache.headDim + i] = -t;
        }
      }
    }
  }
  cache.advance(count);
}

describe('HostKVCache', () => {
  it('grows its room by doubling, keeps every position through the growth, and truncates by moving the length', () => {
    const cache = new HostKVCache({ batchSize: 2, capacity: 300, numLayers: 2, numKeyValueHeads: 2, headDim: 4 });
    expect(cache.room).toBe(64);
    fill(cache, 50);
    fill(cache, 30);
    expect(cache.room).toBe(128);
    fill(cache, 200);
    expect(cache.room).toBe(280);
    const { keys, values } = cache.layer(1);
    expect(keys.shape).toEqual([2, 2, 280, 4]);
    const keyData = keys.dataSync();
    const valueData = values.dataSync();
    for (const [block, t] of [[0, 0], [3, 79], [2, 279]] as const) {
      expect(keyData[(block * 280 + t) * 4 + 3]).toBe(t + 1000);
      expect(valueData[(block * 280 + t) * 4]).toBe(-t);
    }
    tf.dispose([keys, values]);
    cache.truncate(10);
    fill(cache, 5);
    expect(cache.length).toBe(15);
    cache.dispose();
  });

  it('refuses to grow past its capacity with a typed error, and to be used once disposed', () => {
    const cache = new HostKVCache({ batchSize: 1, capacity: 8, numLayers: 1, numKeyValueHeads: 1, headDim: 2 });
    fill(cache, 6);
    expect(() => cache.ensureRoom(3)).toThrowError(CacheCapacityError);
    expect(cache.length).toBe(6);
    cache.dispose();
    expect(() => cache.ensureRoom(1)).toThrowError(/disposed/);
  });
});

describe('SIMD attention kernels', () => {
  it('compute the dot products and the probability-weighted sums of plain loops (float32 reordered)', () => {
    const kernels = createSimdKernels(1 << 16);
    expect(kernels).not.toBeNull();
    const heap = new Float32Array((kernels as NonNullable<typeof kernels>).memory.buffer);
    const [d, n] = [12, 7];
    const [q, rows, out] = [0, 16, 128];
    for (let i = 0; i < d; i++) heap[q + i] = Math.sin(i + 1);
    for (let i = 0; i < n * d; i++) heap[rows + i] = Math.cos(0.3 * i);
    kernels?.dots(4 * q, 4 * rows, n, d, 4 * out);
    for (let t = 0; t < n; t++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += (heap[q + i] as number) * (heap[rows + t * d + i] as number);
      expect(heap[out + t]).toBeCloseTo(dot, 5);
    }
    kernels?.mix(4 * out, 4 * rows, n, d, 4 * (out + 16));
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let t = 0; t < n; t++) sum += (heap[out + t] as number) * (heap[rows + t * d + i] as number);
      expect(heap[out + 16 + i]).toBeCloseTo(sum, 4);
    }
  });

  it('softmax in place equals float64 softmax of the same float32 scores to float32 rounding, touching nothing past the next multiple of 4', () => {
    const kernels = createSimdKernels(1 << 16) as NonNullable<ReturnType<typeof createSimdKernels>>;
    const heap = new Float32Array(kernels.memory.buffer);
    for (const n of [1, 3, 5, 8, 301]) {
      const scores = Float32Array.from({ length: n }, (_, t) => 12 * Math.sin(1.7 * t) + (t % 7 === 3 ? -70 : 0) + (t === 2 ? 40 : 0));
      heap.set(scores, 0);
      const guard = Math.ceil(n / 4) * 4;
      heap[guard] = 123;
      kernels.softmax(0, n);
      const max = Math.max(...scores);
      const weights = Array.from(scores, (score) => Math.exp(score - max));
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      // Relative: a few float32 ulp, plus the float32 rounding of score − max (half an ulp of it scales the exponential).
      weights.forEach((weight, t) => {
        const tolerance = (1e-6 + Math.abs((scores[t] as number) - max) * 2 ** -24) * (weight / total) + 1e-37;
        expect(Math.abs((heap[t] as number) - weight / total)).toBeLessThanOrEqual(tolerance);
      });
      expect(heap[guard]).toBe(123);
    }
  });

  it('unrolled for widths that are multiples of 16, give what the 4-wide loops give', () => {
    const kernels = createSimdKernels(1 << 16) as NonNullable<ReturnType<typeof createSimdKernels>>;
    const heap = new Float32Array(kernels.memory.buffer);
    const [d, n] = [32, 9];
    const [q, rows, out, unrolled] = [0, 32, 1024, 2048];
    for (let i = 0; i < d; i++) heap[q + i] = Math.sin(i + 1);
    for (let i = 0; i < n * d; i++) heap[rows + i] = Math.cos(0.3 * i);
    kernels.dots(4 * q, 4 * rows, n, d, 4 * out);
    kernels.dots16(4 * q, 4 * rows, n, d, 4 * unrolled);
    for (let t = 0; t < n; t++) expect(heap[unrolled + t]).toBeCloseTo(heap[out + t] as number, 5);
    kernels.mix(4 * out, 4 * rows, n, d, 4 * (out + 64));
    kernels.mix16(4 * out, 4 * rows, n, d, 4 * (unrolled + 64));
    for (let i = 0; i < d; i++) expect(heap[unrolled + 64 + i]).toBe(heap[out + 64 + i]);
  });

  it('give the attention of plain loops, chunk after chunk, and plain loops give the engine\'s attention', () => {
    const heads = { numHeads: 4, numKeyValueHeads: 2, headDim: 16 };
    const width = (heads.numHeads + 2 * heads.numKeyValueHeads) * heads.headDim;
    const chunks = [5, 1, 3, 20]; // the 20-query chunk runs on the engine (HOST_ATTENTION_MAX_QUERIES)
    const attend = (simd: boolean) => {
      const cache = new HostKVCache({ batchSize: 2, capacity: 40, numLayers: 1, numKeyValueHeads: 2, headDim: 16, simd });
      const outputs = chunks.map((length) => {
        cache.ensureRoom(length);
        const qkv = Float32Array.from({ length: 2 * length * width }, (_, i) => Math.sin(0.7 * i + cache.length));
        const output = hostCachedAttention({ qkv, batch: 2, length, heads, scale: 0.5, cache, layer: 0 });
        cache.advance(length);
        return output;
      });
      expect(cache.simd !== null).toBe(simd);
      return outputs;
    };
    const simd = attend(true);
    const plain = attend(false);
    chunks.forEach((length, k) => {
      expect(simd[k]?.length).toBe(2 * length * heads.numHeads * heads.headDim);
      (simd[k] as Float32Array).forEach((value, i) => expect(value).toBeCloseTo(plain[k]?.[i] as number, 5));
    });
    // The first chunk's first query sees only its own key: its output is its own value head.
    const ownValue = Array.from({ length: 16 }, (_, i) => Math.fround(Math.sin(0.7 * ((heads.numHeads + heads.numKeyValueHeads) * 16 + i))));
    Array.from((plain[0] as Float32Array).subarray(0, 16)).forEach((value, i) => expect(value).toBeCloseTo(ownValue[i] as number, 6));
  });
});

describe('KV cache shapes', () => {
  it('both caches refuse a shape field that is not an integer >= 1, naming it', () => {
    const shape = { batchSize: 1, capacity: 8, numLayers: 1, numKeyValueHeads: 1, headDim: 4 };
    for (const [key, value] of [['batchSize', 0], ['capacity', 2.5], ['headDim', -4]] as const) {
      const bad = { ...shape, [key]: value };
      expect(() => new HostKVCache(bad)).toThrow(`KV cache ${key}`);
      expect(() => new ChunkedKVCache(bad)).toThrow(`KV cache ${key}`);
    }
    const cache = new HostKVCache(shape);
    expect([cache.batchSize, cache.capacity, cache.numLayers, cache.numKeyValueHeads, cache.headDim]).toEqual([1, 8, 1, 1, 4]);
    cache.dispose();
  });
});
