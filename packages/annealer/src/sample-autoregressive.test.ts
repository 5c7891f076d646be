import * as tf from '@tensorflow/tfjs';
import { AbortedError, type ARBackbone, initEngine, Rng } from '@maria-ts/core';
import { expectNoTensorLeak } from '@maria-ts/core/testing';
import { createBackbone } from '@maria-ts/backbones';
import { createTokenSampler } from '@maria-ts/kv-decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleAutoregressive } from './sample-autoregressive.js';

let ar: ARBackbone;
const VOCAB = 64;
const BOS = 63;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  ar = createBackbone('llama', {
    vocab_size: VOCAB, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, intermediate_size: 32,
    hidden_act: 'silu', rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 256, initializer_range: 0.5, tie_word_embeddings: false, bos_token_id: BOS,
  }, { seed: 11 }) as ARBackbone;
});
afterAll(() => ar.dispose());

/** The same sampling without a cache: a full forward over [BOS, x_<i] for every token. */
function sampleWithoutCache(length: number, rng: Rng, temperature: number): number[] {
  const sampler = createTokenSampler({ temperature });
  const ids: number[] = [];
  for (let i = 0; i < length; i++) {
    const row = tf.tidy(() => {
      const logits = ar.forward(tf.tensor2d([[BOS, ...ids]], undefined, 'int32'), { returnLogits: true }).logits!;
      return logits.slice([0, i, 0], [1, 1, VOCAB]).reshape([VOCAB]);
    });
    ids.push(sampler(row.dataSync(), rng));
    row.dispose();
  }
  return ids;
}

describe('sampleAutoregressive', () => {
  it('equals re-reading the whole prefix at every step, greedy and at T=1', async () => {
    for (const temperature of [0, 1]) {
      const cached = await sampleAutoregressive(ar, { length: 12, rng: new Rng(5), sampling: { temperature } });
      expect(cached).toEqual(sampleWithoutCache(12, new Rng(5), temperature));
    }
  });

  it('is deterministic per seed, differs across seeds, and defaults to T=1', async () => {
    const a = await sampleAutoregressive(ar, { length: 16, rng: new Rng(1) });
    expect(await sampleAutoregressive(ar, { length: 16, rng: new Rng(1) })).toEqual(a);
    expect(await sampleAutoregressive(ar, { length: 16, rng: new Rng(2) })).not.toEqual(a);
    expect(a).toEqual(sampleWithoutCache(16, new Rng(1), 1));
    expect(a.every((id) => Number.isInteger(id) && id >= 0 && id < VOCAB)).toBe(true);
  });

  it('samples only below vocabSize and never a banned id', async () => {
    const ids = await sampleAutoregressive(ar, { length: 30, rng: new Rng(3), vocabSize: 10, bannedIds: [0, 1, 2, 3, 4, 5, 6, 7, 40] });
    expect(new Set(ids)).toEqual(new Set([8, 9]));
  });

  it('leaves the tensor count unchanged, streams each token, and aborts with a typed error', async () => {
    const streamed: number[] = [];
    const ids = await expectNoTensorLeak(() => sampleAutoregressive(ar, { length: 20, rng: new Rng(4), onToken: (id) => streamed.push(id) }));
    expect(streamed).toEqual(ids);
    const controller = new AbortController();
    await expectNoTensorLeak(async () => {
      const run = sampleAutoregressive(ar, { length: 20, rng: new Rng(4), signal: controller.signal, onToken: (_, position) => position === 3 && controller.abort() });
      await expect(run).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    });
  });

  it('rejects a bad length or vocabSize', async () => {
    await expect(sampleAutoregressive(ar, { length: 0, rng: new Rng(0) })).rejects.toThrow(/length/);
    await expect(sampleAutoregressive(ar, { length: 2, rng: new Rng(0), vocabSize: VOCAB + 1 })).rejects.toThrow(/vocabSize/);
  });
});
