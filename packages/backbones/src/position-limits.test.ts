import * as tf from '@tensorflow/tfjs';
import { InputTooLongError, initEngine, type ARBackbone } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backbone } from './family.js';
import { loadBackbone } from './load-backbone.js';
import { fixtureDir } from './testing/golden-fixtures.js';

/** All these fixtures have `max_position_embeddings: 128`. */
const LIMIT = 128;
const loaded = new Map<string, Backbone>();

beforeAll(async () => {
  await initEngine(testEngineOptions());
  for (const name of ['tiny-llama', 'tiny-olmo', 'tiny-modernbert', 'tiny-gpt-neox', 'tiny-modernbert-decoder']) loaded.set(name, await loadBackbone(fixtureDir(name)));
});
afterAll(() => {
  for (const backbone of loaded.values()) backbone.dispose();
});

const ids = (length: number) => tf.tensor2d(Array.from({ length }, (_, i) => (i % 50) + 1), [1, length], 'int32');

/** The error `run` throws (and disposes `input`). */
function failure(input: tf.Tensor2D, run: (input: tf.Tensor2D) => unknown): unknown {
  try {
    run(input);
    return new Error('ran');
  } catch (error) {
    return error;
  } finally {
    input.dispose();
  }
}

describe('every model enforces max_position_embeddings', () => {
  it.each(['tiny-llama', 'tiny-olmo', 'tiny-modernbert', 'tiny-gpt-neox', 'tiny-modernbert-decoder'])('%s: forward on 20,000 ids is an InputTooLongError at once; 128 ids run', (name) => {
    const backbone = loaded.get(name)!;
    expect(backbone.info.maxPositions).toBe(LIMIT);
    for (const length of [20_000, LIMIT + 1]) {
      const error = failure(ids(length), (input) => backbone.forward(input));
      expect(InputTooLongError.isInstance(error), `got ${String(error)}`).toBe(true);
      expect((error as Error).message).toBe(`${backbone.info.family} input has ${length} tokens, more than the maximum of ${LIMIT}`);
    }
    const input = ids(LIMIT);
    const output = backbone.forward(input);
    expect(output.hidden.shape).toEqual([1, LIMIT, backbone.info.hiddenSize]);
    tf.dispose([input, output.hidden]);
  });

  it.each(['tiny-llama', 'tiny-olmo', 'tiny-gpt-neox', 'tiny-modernbert-decoder'])('%s: a KV cache cannot be made or filled past the limit', (name) => {
    const backbone = loaded.get(name)! as Backbone & ARBackbone;
    expect(() => backbone.createCache(1, 1_000_000_000)).toThrowError(InputTooLongError);
    expect(() => backbone.createCache(1, LIMIT + 1)).toThrowError(InputTooLongError);
    const cache = backbone.createCache(1, LIMIT);
    try {
      const prefix = ids(LIMIT - 1);
      tf.dispose(backbone.step(prefix, cache).hidden);
      prefix.dispose();
      const error = failure(ids(2), (input) => backbone.step(input, cache));
      expect(InputTooLongError.isInstance(error), `got ${String(error)}`).toBe(true);
      expect((error as Error).message).toContain(`has ${LIMIT + 1} tokens, more than the maximum of ${LIMIT}`);
      expect(cache.length).toBe(LIMIT - 1);
      const last = ids(1);
      tf.dispose(backbone.step(last, cache).hidden);
      last.dispose();
      expect(cache.length).toBe(LIMIT);
    } finally {
      cache.dispose();
    }
  });
});
