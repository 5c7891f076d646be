import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng, initEngine } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { productOfExpertsHead, randomFusionHead } from './linear-fusion-head.js';

/** The bound (ARCHITECTURE.md §1.3) for "PoE init equals averaged logits", float32 sums of ~d terms. */
const POE_INIT = { atol: 1e-5, rtol: 1e-5 };

function normalTensor(rng: Rng, shape: number[], std = 1): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, std)), shape);
}

describe('product-of-experts fusion head', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  it('equals (logits_AR + logits_MLM)/2 at init, with padded vocabularies and biases on both sides', () => {
    const rng = new Rng(21);
    const vocab = 37;
    const arWeight = normalTensor(rng, [40, 6]) as tf.Tensor2D; // padded to 40 rows
    const mlmWeight = normalTensor(rng, [48, 10]) as tf.Tensor2D; // padded to 48 rows
    const arBias = normalTensor(rng, [40]) as tf.Tensor1D;
    const mlmBias = normalTensor(rng, [48]) as tf.Tensor1D;
    const hAR = normalTensor(rng, [5, 6]) as tf.Tensor2D;
    const hMLM = normalTensor(rng, [5, 10]) as tf.Tensor2D;
    for (const withArBias of [false, true]) {
      const head = productOfExpertsHead({ weight: arWeight, bias: withArBias ? arBias : null }, { weight: mlmWeight, bias: mlmBias }, vocab);
      const arLogits = tf.add(tf.matMul(hAR, arWeight, false, true), withArBias ? arBias : 0).slice([0, 0], [5, vocab]);
      const mlmLogits = tf.add(tf.matMul(hMLM, mlmWeight, false, true), mlmBias).slice([0, 0], [5, vocab]);
      const expected = tf.div(tf.add(arLogits, mlmLogits), 2);
      expect(head.vocabSize).toBe(vocab);
      expectTensorClose(head.logits(hAR, hMLM), expected, POE_INIT);
      expectTensorClose(tf.add(head.arLogits(hAR), head.mlmLogits(hMLM)), expected, POE_INIT);
      head.dispose();
    }
  });

  it('refuses a projection with fewer rows than the vocabulary, and mismatched hidden sizes', () => {
    const rng = new Rng(22);
    const small = { weight: normalTensor(rng, [10, 4]) as tf.Tensor2D, bias: null };
    expect(() => productOfExpertsHead(small, small, 11)).toThrow(/fewer rows/);
    const head = productOfExpertsHead(small, small, 10);
    expect(() => head.arLogits(normalTensor(rng, [2, 5]) as tf.Tensor2D)).toThrow(/h_AR: got shape \[2, 5\]/);
    head.dispose();
  });

  it('trains only W3 and b3, and a training step leaks nothing', async () => {
    const rng = new Rng(23);
    const head = randomFusionHead({ vocabSize: 12, arHiddenSize: 4, mlmHiddenSize: 3 }, rng);
    const hAR = normalTensor(rng, [6, 4]) as tf.Tensor2D;
    const hMLM = normalTensor(rng, [6, 3]) as tf.Tensor2D;
    const labels = tf.tensor1d([1, 2, 3, 4, 5, 6], 'int32');
    const optimizer = tf.train.adam(0.05);
    const { arWeight, mlmWeight, bias } = head.variables();
    const loss = () => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 12), head.logits(hAR, hMLM)) as tf.Scalar;
    const first = optimizer.minimize(loss, true, [arWeight, mlmWeight, bias])!;
    const initial = first.dataSync()[0] as number;
    first.dispose();
    let last = initial;
    await expectNoTensorLeak(() => {
      for (let i = 0; i < 20; i++) {
        const value = optimizer.minimize(loss, true, [arWeight, mlmWeight, bias])!;
        last = value.dataSync()[0] as number;
        value.dispose();
      }
    });
    expect(last).toBeLessThan(initial * 0.5);
    head.dispose();
  });
});
