import { beforeAll, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../engine.js';
import { expectNoTensorLeak, expectTensorClose, finiteDifferenceGradient, testEngineOptions } from '../../testing/index.js';
import { Rng } from '../../rng.js';
import { embeddingLookup } from './embedding.js';

const EXACT = { atol: 0, rtol: 0 };
const FINITE_DIFFERENCE = { atol: 5e-3, rtol: 5e-3 };

describe('embeddingLookup (scatterND gradient)', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  const rng = new Rng(7);
  const table = () => tf.tensor2d(Float32Array.from({ length: 6 * 3 }, () => rng.normal()), [6, 3]);

  it('gathers rows for ids of any shape', () => {
    const weights = table();
    const ids = tf.tensor2d([[0, 5], [2, 2]], [2, 2], 'int32');
    expectTensorClose(embeddingLookup(weights, ids), tf.gather(weights, ids), EXACT);
  });

  it('sums gradients of repeated ids, equal to the built-in gradient on the cpu reference', () => {
    const weights = table();
    const ids = tf.tensor2d([[1, 4, 1], [0, 1, 4]], [2, 3], 'int32');
    const upstream = tf.tensor3d(Float32Array.from({ length: 18 }, (_, i) => (i % 5) - 2), [2, 3, 3]);
    const gradient = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(w as tf.Tensor2D, ids), upstream)))(weights);
    // Closed form: dW[v] = Σ over positions p with ids[p] = v of upstream[p].
    const expected = new Float32Array(18);
    const idList = ids.dataSync();
    const up = upstream.dataSync();
    idList.forEach((id, p) => {
      for (let d = 0; d < 3; d++) expected[id * 3 + d]! += up[p * 3 + d] as number;
    });
    expectTensorClose(gradient, tf.tensor2d(expected, [6, 3]), { atol: 1e-6, rtol: 1e-6 });
    const numeric = finiteDifferenceGradient((w) => tf.sum(tf.mul(embeddingLookup(w as tf.Tensor2D, ids), upstream)) as tf.Scalar, weights);
    expectTensorClose(numeric.indices.map((i) => gradient.dataSync()[i] as number), numeric.values, FINITE_DIFFERENCE);
  });

  it('casts float ids and leaks nothing in a training step', async () => {
    const weights = tf.variable(table());
    const ids = tf.tensor1d([3, 3, 0]);
    const optimizer = tf.train.adam(0.01);
    const step = () => optimizer.minimize(() => tf.sum(tf.square(embeddingLookup(weights, ids))) as tf.Scalar, true)!.dispose();
    step();
    await expectNoTensorLeak(() => {
      for (let i = 0; i < 4; i++) step();
    });
  });
});
