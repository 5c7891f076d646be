import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../engine.js';
import { expectNoTensorLeak, expectTensorClose, finiteDifferenceGradient, testEngineOptions } from '../../testing/index.js';
import { Rng } from '../../rng.js';
import { meanSoftmaxCrossEntropy, softmaxCrossEntropy } from './softmax-cross-entropy.js';

const FLOAT32_REDUCTION = { atol: 1e-5, rtol: 1e-5 };
const FINITE_DIFFERENCE = { atol: 5e-3, rtol: 5e-3 };

describe('softmaxCrossEntropy (fused)', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  const rng = new Rng(8);
  const logits = () => tf.tensor2d(Float32Array.from({ length: 4 * 9 }, () => 3 * rng.normal()), [4, 9]);
  const labels = tf.tensor1d([0, 8, 3, 3], 'int32');

  it('equals −log softmax at the label, computed in float64 in JS', () => {
    const x = logits();
    const values = x.arraySync() as number[][];
    const expected = values.map((row, i) => {
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      return lse - (row[labels.dataSync()[i] as number] as number);
    });
    expectTensorClose(softmaxCrossEntropy(x, labels), expected, FLOAT32_REDUCTION);
  });

  it('stays finite for extreme logits', () => {
    const x = tf.tensor2d([[1000, -1000, 0], [-1000, 1000, 0]]);
    const loss = softmaxCrossEntropy(x, tf.tensor1d([1, 1], 'int32')).dataSync();
    expect(loss[0]).toBeCloseTo(2000, 2);
    expect(loss[1]).toBeCloseTo(0, 5);
  });

  it('has the gradient of the built-in composition and of finite differences', () => {
    const x = logits();
    const weights = tf.tensor1d([1, 0, 1, 1]);
    const ours = (z: tf.Tensor) => meanSoftmaxCrossEntropy(z as tf.Tensor2D, labels, weights);
    const reference = (z: tf.Tensor) =>
      tf.div(tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(labels, 9)), 1)), weights)), tf.sum(weights)) as tf.Scalar;
    expectTensorClose(ours(x), reference(x), FLOAT32_REDUCTION);
    const ourGradient = tf.grad(ours)(x);
    expectTensorClose(ourGradient, tf.grad(reference)(x), FLOAT32_REDUCTION);
    const numeric = finiteDifferenceGradient(ours, x, { epsilon: 1e-2 });
    expectTensorClose(numeric.indices.map((i) => ourGradient.dataSync()[i] as number), numeric.values, FINITE_DIFFERENCE);
  });

  it('rejects labels of the wrong length', () => {
    expect(() => softmaxCrossEntropy(logits(), tf.tensor1d([1], 'int32'))).toThrow(/labels/);
  });

  it('leaks nothing across training steps', async () => {
    const w = tf.variable(logits());
    const optimizer = tf.train.adam(0.01);
    const step = () => optimizer.minimize(() => meanSoftmaxCrossEntropy(w, labels), true)!.dispose();
    step();
    await expectNoTensorLeak(() => {
      for (let i = 0; i < 4; i++) step();
    });
  });
});
