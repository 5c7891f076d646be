import * as tf from '@tensorflow/tfjs';
import { initEngine, InputTooLongError, InvalidArgumentError, type ARBackbone } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';
import { CacheCapacityError } from '../errors.js';
import { loadBackbone } from '../load-backbone.js';
import { fixtureDir } from '../testing/golden-fixtures.js';
import { HostKVCache } from '../layers/host-kv-cache.js';
import type { ChunkedKVCache } from '../layers/kv-cache.js';
import type { DecoderBackbone } from './decoder-backbone.js';

/**
 * Cached decoding computes the same sums as the full forward in another order (scores of
 * separate chunks, a different matmul shape), so float32 rounding differs slightly.
 */
const FLOAT32_REORDERED = { atol: 2e-5, rtol: 1e-4 };

type CachePolicy = { readonly mergeRatio?: number; readonly smallChunk?: number };

/** A binary-counter cache: many chunks even for short sequences, so every path is exercised. */
const MANY_CHUNKS: CachePolicy = { mergeRatio: 2, smallChunk: 0 };

const decoders = new Map<string, ARBackbone>();

beforeAll(async () => {
  await initEngine(testEngineOptions());
  for (const name of ['lm-buddy-tiny_gpt2', 'tiny-llama', 'tiny-olmo', 'tiny-gpt-neox', 'tiny-modernbert-decoder']) decoders.set(name, (await loadBackbone(fixtureDir(name))) as ARBackbone);
  decoders.set(
    'fresh llama (MQA, tied head, biases)',
    createBackbone(
      'llama',
      { hidden_size: 24, num_hidden_layers: 2, num_attention_heads: 6, num_key_value_heads: 1, intermediate_size: 40, vocab_size: 50, tie_word_embeddings: true, attention_bias: true, mlp_bias: true, initializer_range: 0.3 },
      { seed: 11 },
    ) as ARBackbone,
  );
  decoders.set(
    'fresh gpt2 (4 heads, inverse-layer scaling)',
    createBackbone('gpt2', { n_embd: 16, n_layer: 3, n_head: 4, vocab_size: 40, n_positions: 64, scale_attn_by_inverse_layer_idx: true, initializer_range: 0.3 }, { seed: 12 }) as ARBackbone,
  );
  decoders.set(
    'fresh gpt_neox (sequential residual, full rotary, tied, no attention bias)',
    createBackbone(
      'gpt_neox',
      { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, vocab_size: 40, use_parallel_residual: false, rotary_pct: 1, rotary_emb_base: 100, tie_word_embeddings: true, attention_bias: false, initializer_range: 0.3 },
      { seed: 13 },
    ) as ARBackbone,
  );
  decoders.set(
    'fresh modernbert-decoder (window 3, full layer 2, own local θ)',
    createBackbone(
      'modernbert-decoder',
      { hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 24, vocab_size: 40, layer_types: ['sliding_attention', 'sliding_attention', 'full_attention'], sliding_window: 3, local_rope_theta: 50, norm_bias: true, initializer_range: 0.3 },
      { seed: 14 },
    ) as ARBackbone,
  );
});

afterAll(() => {
  for (const backbone of decoders.values()) backbone.dispose();
});

function idsFor(backbone: ARBackbone, length: number, batch = 1): number[][] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length }, (_, i) => (i * 7 + b * 3 + 1) % backbone.info.vocabSize));
}

/** Hidden states and logits of `chunks` fed one after another through a fresh cache, concatenated. */
function decodeInChunks(backbone: ARBackbone, ids: number[][], chunks: number[], policy: CachePolicy = MANY_CHUNKS): { hidden: tf.Tensor; logits: tf.Tensor } {
  const cache = (backbone as DecoderBackbone).createCache(ids.length, ids[0]!.length, policy);
  const hidden: tf.Tensor[] = [];
  const logits: tf.Tensor[] = [];
  let start = 0;
  for (const size of chunks) {
    const piece = tf.tensor2d(ids.map((row) => row.slice(start, start + size)), [ids.length, size], 'int32');
    const output = backbone.step(piece, cache, { returnLogits: true });
    hidden.push(output.hidden);
    logits.push(output.logits as tf.Tensor);
    piece.dispose();
    start += size;
  }
  expect(cache.length).toBe(start);
  cache.dispose();
  const result = { hidden: tf.concat(hidden, 1), logits: tf.concat(logits, 1) };
  tf.dispose([...hidden, ...logits]);
  return result;
}

describe('KV-cached decoding', () => {
  it('chunked prefill plus single steps equals the full forward, for every decoder', () => {
    for (const [name, backbone] of decoders) {
      const ids = idsFor(backbone, 13, 2);
      const full = tf.tidy(() => {
        const output = backbone.forward(tf.tensor2d(ids, [2, 13], 'int32'), { returnLogits: true });
        return { hidden: output.hidden, logits: output.logits as tf.Tensor };
      });
      for (const [policy, chunks] of [
        [MANY_CHUNKS, [13]],
        [MANY_CHUNKS, [5, 1, 1, 4, 1, 1]],
        [MANY_CHUNKS, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
        [{}, [5, 1, 1, 4, 1, 1]],
      ] as const) {
        const cached = decodeInChunks(backbone, ids, [...chunks], policy);
        try {
          expectTensorClose(cached.hidden, full.hidden, FLOAT32_REORDERED);
          expectTensorClose(cached.logits, full.logits as tf.Tensor, FLOAT32_REORDERED);
        } catch (error) {
          throw new Error(`${name}, chunks ${chunks.join('+')}: ${(error as Error).message}`);
        }
        tf.dispose([cached.hidden, cached.logits]);
      }
      tf.dispose([full.hidden, full.logits as tf.Tensor]);
    }
  });

  it('keeps matching past many merges of the cache (100 single steps after a prefill)', () => {
    const backbone = decoders.get('tiny-llama') as ARBackbone;
    const ids = idsFor(backbone, 110);
    const full = tf.tidy(() => backbone.forward(tf.tensor2d(ids, [1, 110], 'int32')).hidden);
    const cached = decodeInChunks(backbone, ids, [10, ...Array<number>(100).fill(1)]);
    expectTensorClose(cached.hidden, full, FLOAT32_REORDERED);
    tf.dispose([full, cached.hidden, cached.logits]);
  });

  it('leaks no tensor across 50 decode steps, and frees everything with the cache', async () => {
    for (const backbone of decoders.values()) {
      const baseline = tf.memory().numTensors;
      const cache = (backbone as DecoderBackbone).createCache(1, 60, MANY_CHUNKS) as ChunkedKVCache;
      const chunkTensors = () => Array.from({ length: cache.numLayers }, (_, layer) => 2 * cache.chunkLengths(layer).length).reduce((a, b) => a + b, 0);
      for (let step = 0; step < 50; step++) {
        const heldBefore = chunkTensors();
        const before = tf.memory().numTensors;
        const id = tf.tensor2d([[step % backbone.info.vocabSize]], [1, 1], 'int32');
        const output = backbone.step(id, cache, { returnLogits: true });
        tf.dispose([id, output.hidden, output.logits as tf.Tensor]);
        expect(tf.memory().numTensors - before).toBe(chunkTensors() - heldBefore);
      }
      expect(cache.chunkLengths(0)).toEqual([32, 16, 2]);
      await expectNoTensorLeak(() => {
        const id = tf.tensor2d([[1]], [1, 1], 'int32');
        const output = backbone.step(id, cache);
        tf.dispose([id, output.hidden]);
        cache.truncate(cache.length - 1);
      }, { allowed: 0 });
      cache.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    }
  });

  it('with the host cache (Llama, OLMo): a long prefill (engine attention) plus short steps (host attention) equals the full forward, and a step leaves only its outputs', async () => {
    for (const name of ['tiny-llama', 'tiny-olmo', 'fresh llama (MQA, tied head, biases)']) {
      const backbone = decoders.get(name) as DecoderBackbone;
      const ids = idsFor(backbone, 30, 2);
      const full = tf.tidy(() => backbone.forward(tf.tensor2d(ids, [2, 30], 'int32')).hidden);
      const probe = backbone.createCache(2, 30);
      expect(probe).toBeInstanceOf(HostKVCache);
      probe.dispose();
      const cached = decodeInChunks(backbone, ids, [20, 1, 3, 1, 5], {});
      expectTensorClose(cached.hidden, full, FLOAT32_REORDERED);
      tf.dispose([full, cached.hidden, cached.logits]);
      const cache = backbone.createCache(1, 8);
      await expectNoTensorLeak(() => {
        const id = tf.tensor2d([[1, 2]], [1, 2], 'int32');
        const output = backbone.step(id, cache, { returnLogits: true });
        tf.dispose([id, output.hidden, output.logits as tf.Tensor]);
      }, { allowed: 0 });
      cache.dispose();
    }
    expect(() => (decoders.get('lm-buddy-tiny_gpt2') as DecoderBackbone).createCache(1, 4, { layout: 'host' })).toThrowError(InvalidArgumentError);
  });

  it('rolls back with truncate and decodes the same continuation again', () => {
    const backbone = decoders.get('tiny-olmo') as ARBackbone;
    const cache = backbone.createCache(1, 20);
    const prefix = tf.tensor2d([[1, 5, 9, 13]], [1, 4], 'int32');
    tf.dispose(backbone.step(prefix, cache).hidden);
    const next = tf.tensor2d([[7, 8]], [1, 2], 'int32');
    const first = backbone.step(next, cache).hidden;
    cache.truncate(4);
    const second = backbone.step(next, cache).hidden;
    expectTensorClose(second, first, { atol: 0, rtol: 0 });
    tf.dispose([prefix, next, first, second]);
    cache.dispose();
  });

  it('refuses steps beyond capacity, caches beyond learned positions, and foreign caches', () => {
    const llama = decoders.get('tiny-llama') as ARBackbone;
    const cache = llama.createCache(1, 3);
    const ids = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    expect(() => llama.step(ids, cache)).toThrowError(CacheCapacityError);
    expect(cache.length).toBe(0);
    const gpt2 = decoders.get('lm-buddy-tiny_gpt2') as ARBackbone;
    expect(() => gpt2.createCache(1, 5000)).toThrowError(InputTooLongError);
    expect(() => gpt2.step(tf.tensor2d([[1]], [1, 1], 'int32'), cache)).toThrowError(InvalidArgumentError);
    tf.dispose(ids);
    cache.dispose();
  });

  it('masks left padding so a padded row equals its unpadded sequence (RoPE is relative)', () => {
    const llama = decoders.get('tiny-llama') as ARBackbone;
    const sequence = [1, 53, 51, 306, 193];
    const alone = tf.tidy(() => llama.forward(tf.tensor2d([sequence], [1, 5], 'int32')).hidden);
    const padded = tf.tidy(() =>
      llama.forward(tf.tensor2d([[0, 0, ...sequence], [3, 4, 5, 6, 7, 8, 9]], [2, 7], 'int32'), { attentionMask: tf.tensor2d([[0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]], [2, 7], 'int32') }).hidden,
    );
    const real = tf.slice(padded, [0, 2, 0], [1, 5, -1]);
    expectTensorClose(real, alone, FLOAT32_REORDERED);
    tf.dispose([alone, padded, real]);
  });

  it('rejects ids outside the vocabulary with the offending position', () => {
    const llama = decoders.get('tiny-llama') as ARBackbone;
    const ids = tf.tensor2d([[1, 384]], [1, 2], 'int32');
    expect(() => llama.forward(ids)).toThrowError('invalid token id at [0, 1]: 384 (expected an integer in [0, 384))');
    ids.dispose();
  });
});
