import * as tf from '@tensorflow/tfjs';
import { initEngine, type MLMBackbone } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreMaskedTokens } from './masked-accuracy.js';

let mlm: MLMBackbone;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  mlm = createBackbone('modernbert', {
    vocab_size: 40, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, initializer_range: 0.5, mask_token_id: 39,
  }, { seed: 2, maskTokenId: 39 }) as MLMBackbone;
});
afterAll(() => mlm.dispose());

describe('scoreMaskedTokens', () => {
  const batch = { ids: Int32Array.from({ length: 2 * 12 }, (_, i) => (i * 5) % 39), batch: 2, length: 12 };

  it('masks every position at rate 1 and matches a direct computation of loss and accuracy', () => {
    const score = scoreMaskedTokens(mlm, [batch], { rate: 1, seed: 0 });
    expect(score.maskedTokens).toBe(24);
    const [loss, accuracy] = tf.tidy(() => {
      const logits = mlm.forward(tf.fill([2, 12], 39, 'int32') as tf.Tensor2D, { returnLogits: true }).logits!.reshape([24, 40]) as tf.Tensor2D;
      const labels = tf.tensor1d(batch.ids, 'int32');
      const nll = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, 40)), 1)));
      const hits = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
      return [nll.dataSync()[0] as number, hits.dataSync()[0] as number];
    });
    expect(score.loss).toBeCloseTo(loss as number, 4);
    expect(score.accuracy).toBeCloseTo(accuracy as number, 6);
  });

  it('is deterministic in the seed and masks about the asked rate', () => {
    const batches = Array.from({ length: 10 }, () => batch);
    const first = scoreMaskedTokens(mlm, batches, { rate: 0.3, seed: 5 });
    expect(scoreMaskedTokens(mlm, batches, { rate: 0.3, seed: 5 })).toEqual(first);
    expect(first.maskedTokens / 240).toBeGreaterThan(0.2);
    expect(first.maskedTokens / 240).toBeLessThan(0.4);
  });
});
