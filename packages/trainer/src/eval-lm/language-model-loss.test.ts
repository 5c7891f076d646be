import * as tf from '@tensorflow/tfjs';
import { type ARBackbone, initEngine } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { expectNoTensorLeak } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreWindows } from './language-model-loss.js';
import { rollingWindows } from './rolling-windows.js';

let ar: ARBackbone;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  ar = createBackbone('llama', {
    vocab_size: 50, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, intermediate_size: 32,
    rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: false, bos_token_id: 1, initializer_range: 0.5,
  }, { seed: 4 }) as ARBackbone;
});
afterAll(() => ar.dispose());

/** −ln p(ids[i] | BOS, ids[<i]) summed over the last `scored` tokens, one full forward per token. */
function referenceNll(ids: number[], scored: number): number {
  let total = 0;
  for (let i = ids.length - scored; i < ids.length; i++) {
    total += tf.tidy(() => {
      const logits = ar.forward(tf.tensor2d([[ar.bosTokenId, ...ids.slice(0, i)]], undefined, 'int32'), { returnLogits: true }).logits!;
      const last = logits.slice([0, i, 0], [1, 1, -1]).reshape([-1]);
      return -(tf.logSoftmax(last).dataSync()[ids[i] as number] as number);
    });
  }
  return total;
}

describe('scoreWindows', () => {
  const stream = Array.from({ length: 23 }, (_, i) => 2 + ((i * 7) % 45));

  it('equals a per-token reference, with padding in ragged batches and context-only tokens', () => {
    const windows = rollingWindows(stream, 8, 5);
    const { nll, tokens } = scoreWindows(ar, windows, { batchSize: 3, padId: 0 });
    const expected = windows.reduce((sum, window) => sum + referenceNll(window.ids, window.scored), 0);
    expect(tokens).toBe(stream.length);
    expect(nll).toBeCloseTo(expected, 3);
  });

  it('does not depend on the batch size, and leaks no tensors', () => {
    const windows = rollingWindows(stream, 8, 8);
    const one = scoreWindows(ar, windows, { batchSize: 1, padId: 0 });
    expect(scoreWindows(ar, windows, { batchSize: 4, padId: 0 }).nll).toBeCloseTo(one.nll, 3);
    expectNoTensorLeak(() => scoreWindows(ar, windows, { batchSize: 2, padId: 0 }));
  });
});
