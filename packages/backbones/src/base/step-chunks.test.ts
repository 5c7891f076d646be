import * as tf from '@tensorflow/tfjs';
import { initEngine, InvalidArgumentError, type ARBackbone, type KVCache } from '@maria-ts/core';
import { expectNoTensorLeak, testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';
import { CacheCapacityError } from '../errors.js';
import { loadBackbone } from '../load-backbone.js';
import { fixtureDir } from '../testing/golden-fixtures.js';

/**
 * Largest difference allowed between a sequence stepped alone and among others. On wasm the
 * products run through XNNPACK, whose multi-row kernels accumulate each row in the same
 * order as its one-row kernel (checked here), so the states are bit-identical; other
 * engines may reorder a row's sums when the product has more rows.
 */
const tolerance = () => (tf.getBackend() === 'wasm' ? 0 : 1e-5);

const decoders = new Map<string, ARBackbone>();

beforeAll(async () => {
  await initEngine(testEngineOptions());
  decoders.set('tiny-olmo', (await loadBackbone(fixtureDir('tiny-olmo'))) as ARBackbone);
  decoders.set(
    'fresh llama (GQA, untied)',
    createBackbone('llama', { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 48, vocab_size: 60, initializer_range: 0.3 }, { seed: 21 }) as ARBackbone,
  );
  decoders.set(
    'fresh llama (MQA, biases)',
    createBackbone(
      'llama',
      { hidden_size: 24, num_hidden_layers: 2, num_attention_heads: 6, num_key_value_heads: 1, intermediate_size: 40, vocab_size: 50, attention_bias: true, mlp_bias: true, initializer_range: 0.3 },
      { seed: 11 },
    ) as ARBackbone,
  );
});
afterAll(() => decoders.forEach((decoder) => decoder.dispose()));

/** Three sequences' chunks, tick by tick: a long prefill (more rows than a host product takes), single tokens, and chunks of a few tokens, so sequences sit at different positions. */
const SCHEDULE: (readonly number[] | null)[][] = [
  [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], [3, 4, 5], null],
  [[7], [8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]],
  [[5, 6, 7, 8], [1], [2]],
  [null, [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46], [3]],
];

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('stepChunks: several sequences, each in its own cache at its own position, in one step', () => {
  for (const name of ['tiny-olmo', 'fresh llama (GQA, untied)', 'fresh llama (MQA, biases)']) {
    it(`${name}: every chunk's states equal stepping that sequence alone`, async () => {
      const decoder = decoders.get(name) as ARBackbone;
      expect(decoder.canStepChunks).toBe(true);
      const run = () => {
        const alone = [0, 1, 2].map(() => decoder.createCache(1, 64));
        const together = [0, 1, 2].map(() => decoder.createCache(1, 64));
        for (const tick of SCHEDULE) {
          const live = [0, 1, 2].filter((sequence) => tick[sequence] !== null);
          const states = decoder.stepChunks?.(live.map((sequence) => ({ ids: tick[sequence] as number[], cache: together[sequence] as KVCache }))) ?? [];
          live.forEach((sequence, k) => {
            const ids = tick[sequence] as number[];
            const input = tf.tensor2d([ids], undefined, 'int32');
            const { hidden } = decoder.step(input, alone[sequence] as KVCache);
            const expected = hidden.dataSync() as Float32Array;
            tf.dispose([input, hidden]);
            expect(maxDifference(states[k] as Float32Array, expected)).toBeLessThanOrEqual(tolerance());
            expect(together[sequence]?.length).toBe(alone[sequence]?.length);
          });
        }
        [...alone, ...together].forEach((cache) => cache.dispose());
      };
      run(); // the first run also makes the backbone's kept product buffers and RoPE tables
      await expectNoTensorLeak(run);
    });

    it(`${name}: with lastOnly, each chunk's last state alone, equal to stepping that sequence alone, and caches that go on the same`, async () => {
      const decoder = decoders.get(name) as ARBackbone;
      const width = decoder.info.hiddenSize;
      const run = () => {
        const alone = [0, 1, 2].map(() => decoder.createCache(1, 64));
        const together = [0, 1, 2].map(() => decoder.createCache(1, 64));
        for (const tick of SCHEDULE) {
          const live = [0, 1, 2].filter((sequence) => tick[sequence] !== null);
          const states = decoder.stepChunks?.(live.map((sequence) => ({ ids: tick[sequence] as number[], cache: together[sequence] as KVCache })), { lastOnly: true }) ?? [];
          live.forEach((sequence, k) => {
            const ids = tick[sequence] as number[];
            const input = tf.tensor2d([ids], undefined, 'int32');
            const { hidden } = decoder.step(input, alone[sequence] as KVCache);
            const expected = (hidden.dataSync() as Float32Array).slice((ids.length - 1) * width);
            tf.dispose([input, hidden]);
            expect((states[k] as Float32Array).length).toBe(width);
            expect(maxDifference(states[k] as Float32Array, expected)).toBeLessThanOrEqual(tolerance());
            expect(together[sequence]?.length).toBe(alone[sequence]?.length);
          });
        }
        [...alone, ...together].forEach((cache) => cache.dispose());
      };
      run();
      await expectNoTensorLeak(run);
    });
  }

  it('with lastOnly, a host step that returns every row anyway still gives each chunk its last state', () => {
    const decoder = decoders.get('tiny-olmo') as ARBackbone;
    const width = decoder.info.hiddenSize;
    const hostStepChunks = (decoder as unknown as { hostStepChunks: (chunks: unknown, lastOnly: boolean) => Float32Array }).hostStepChunks;
    const everyRow = Object.create(decoder) as ARBackbone;
    Object.defineProperty(everyRow, 'hostStepChunks', { value: (chunks: unknown) => hostStepChunks.call(decoder, chunks, false) });
    const [plain, ignoring] = [decoder, everyRow].map((backbone) => {
      const caches = [decoder.createCache(1, 64), decoder.createCache(1, 64)];
      const states = backbone.stepChunks?.([{ ids: [1, 2, 3], cache: caches[0] as KVCache }, { ids: [4, 5], cache: caches[1] as KVCache }], { lastOnly: true }) ?? [];
      caches.forEach((cache) => cache.dispose());
      return states;
    }) as [Float32Array[], Float32Array[]];
    expect(ignoring.map((state) => state.length)).toEqual([width, width]);
    ignoring.forEach((state, k) => expect(maxDifference(state, plain[k] as Float32Array)).toBeLessThanOrEqual(tolerance()));
  });

  it('refuses a bad chunk before any cache moves: an id outside the vocabulary, a full cache, a cache given twice, a batched cache', () => {
    const decoder = decoders.get('fresh llama (GQA, untied)') as ARBackbone;
    const a = decoder.createCache(1, 8);
    const b = decoder.createCache(1, 8);
    decoder.stepChunks?.([{ ids: [1, 2], cache: a }]);
    expect(() => decoder.stepChunks?.([{ ids: [3], cache: a }, { ids: [1, 60], cache: b }])).toThrowError(InvalidArgumentError);
    expect(() => decoder.stepChunks?.([{ ids: [3], cache: a }, { ids: [1.5], cache: b }])).toThrowError(InvalidArgumentError);
    expect(() => decoder.stepChunks?.([{ ids: [3], cache: b }, { ids: Array.from({ length: 7 }, () => 1), cache: a }])).toThrowError(CacheCapacityError);
    expect(() => decoder.stepChunks?.([{ ids: [3], cache: a }, { ids: [4], cache: a }])).toThrowError(InvalidArgumentError);
    const batched = decoder.createCache(2, 8);
    expect(() => decoder.stepChunks?.([{ ids: [3], cache: batched }])).toThrowError(InvalidArgumentError);
    expect([a.length, b.length]).toEqual([2, 0]);
    [a, b, batched].forEach((cache) => cache.dispose());
  });

  it('is absent where the family has no host step (GPT-2): callers step one cache at a time', () => {
    const gpt2 = createBackbone('gpt2', { n_embd: 16, n_layer: 1, n_head: 2, vocab_size: 40, n_positions: 32 }, { seed: 1 }) as ARBackbone;
    expect(gpt2.canStepChunks).toBe(false);
    expect(() => gpt2.stepChunks?.([])).toThrowError(InvalidArgumentError);
    gpt2.dispose();
  });
});
