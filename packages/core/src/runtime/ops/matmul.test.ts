import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../engine.js';
import { expectNoTensorLeak, expectTensorClose, finiteDifferenceGradient, testEngineOptions } from '../../testing/index.js';
import { Rng } from '../../rng.js';
import { linear, matMul, splitsIntoPlainProducts } from './matmul.js';
import { recordingGradients } from './binary-custom-grad.js';

/** Float32 products of O(1) values: relative error ~1e-6, so 1e-5 is tight but safe. */
const FLOAT32_PRODUCT = { atol: 1e-5, rtol: 1e-5 };
/** Central differences at ε = 1e-2 in float32 carry ~1e-3 noise. */
const FINITE_DIFFERENCE = { atol: 5e-3, rtol: 5e-3 };

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
}

describe('matMul (explicit-transpose gradient)', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  it('matches tf.matMul in value for every transpose combination', () => {
    const rng = new Rng(1);
    const a = randomTensor(rng, [5, 7]);
    const b = randomTensor(rng, [7, 3]);
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const left = transposeA ? tf.transpose(a) : a;
      const right = transposeB ? tf.transpose(b) : b;
      expectTensorClose(matMul(left, right, { transposeA, transposeB }), tf.matMul(a, b), FLOAT32_PRODUCT);
    }
  });

  it('folds rank-3 × rank-2 and rank-4 × rank-4 products', () => {
    const rng = new Rng(2);
    const x = randomTensor(rng, [2, 3, 4]);
    const w = randomTensor(rng, [4, 5]);
    const expected = tf.stack([tf.matMul(x.slice([0, 0, 0], [1, 3, 4]).squeeze([0]) as tf.Tensor2D, w as tf.Tensor2D), tf.matMul(x.slice([1, 0, 0], [1, 3, 4]).squeeze([0]) as tf.Tensor2D, w as tf.Tensor2D)]);
    expectTensorClose(matMul(x, w), expected, FLOAT32_PRODUCT);
    const q = randomTensor(rng, [2, 3, 4, 5]);
    const k = randomTensor(rng, [2, 3, 6, 5]);
    expectTensorClose(matMul(q, k, { transposeB: true }), tf.matMul(q, k, false, true), FLOAT32_PRODUCT);
  });

  it('has gradients equal to tf.matMul gradients and to finite differences', () => {
    const rng = new Rng(3);
    const a = randomTensor(rng, [4, 6]);
    const b = randomTensor(rng, [6, 3]);
    const weights = randomTensor(rng, [4, 3]);
    const ours = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x, y), weights)) as tf.Scalar;
    const builtIn = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), weights)) as tf.Scalar;
    const [ourA, ourB] = tf.grads(ours)([a, b]) as [tf.Tensor, tf.Tensor];
    const [refA, refB] = tf.grads(builtIn)([a, b]) as [tf.Tensor, tf.Tensor];
    expectTensorClose(ourA, refA, FLOAT32_PRODUCT);
    expectTensorClose(ourB, refB, FLOAT32_PRODUCT);
    const numericA = finiteDifferenceGradient((x) => ours(x, b), a);
    expectTensorClose(numericA.indices.map((i) => ourA.dataSync()[i] as number), numericA.values, FINITE_DIFFERENCE);
    const numericB = finiteDifferenceGradient((y) => ours(a, y), b);
    expectTensorClose(numericB.indices.map((i) => ourB.dataSync()[i] as number), numericB.values, FINITE_DIFFERENCE);
  });

  it('has correct gradients through transposes and batched products', () => {
    const rng = new Rng(4);
    const q = randomTensor(rng, [2, 2, 3, 4]);
    const k = randomTensor(rng, [2, 2, 5, 4]);
    const weights = randomTensor(rng, [2, 2, 3, 5]);
    const ours = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x, y, { transposeB: true }), weights)) as tf.Scalar;
    const builtIn = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), weights)) as tf.Scalar;
    const ourGrads = tf.grads(ours)([q, k]);
    const refGrads = tf.grads(builtIn)([q, k]);
    ourGrads.forEach((g, i) => expectTensorClose(g, refGrads[i] as tf.Tensor, FLOAT32_PRODUCT));
    const numeric = finiteDifferenceGradient((y) => ours(q, y), k, { maxCoordinates: 12 });
    expectTensorClose(numeric.indices.map((i) => ourGrads[1]!.dataSync()[i] as number), numeric.values, FINITE_DIFFERENCE);
  });

  it('splits large batched products into 2-D products on wasm only, with the same values and gradients', () => {
    const rng = new Rng(7);
    const q = randomTensor(rng, [3, 64, 32]);
    const k = randomTensor(rng, [3, 32, 64]);
    // Native engines run the batched product as one kernel.
    expect(splitsIntoPlainProducts(3, 64, 32, 64)).toBe(tf.getBackend() === 'wasm');
    expect(splitsIntoPlainProducts(3, 1, 64, 256)).toBe(false);
    expect(splitsIntoPlainProducts(1, 64, 32, 64)).toBe(false);
    const weights = randomTensor(rng, [3, 64, 64]);
    const ours = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x, y), weights)) as tf.Scalar;
    const builtIn = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D), weights)) as tf.Scalar;
    expectTensorClose(matMul(q, k), tf.matMul(q as tf.Tensor3D, k as tf.Tensor3D), { atol: 1e-4, rtol: 1e-5 });
    const ourGrads = tf.grads(ours)([q, k]);
    const refGrads = tf.grads(builtIn)([q, k]);
    ourGrads.forEach((g, i) => expectTensorClose(g, refGrads[i] as tf.Tensor, { atol: 1e-4, rtol: 1e-5 }));
  });

  it('linear adds the bias and differentiates through it', () => {
    const rng = new Rng(5);
    const x = randomTensor(rng, [2, 3, 4]);
    const w = randomTensor(rng, [4, 2]) as tf.Tensor2D;
    const b = randomTensor(rng, [2]) as tf.Tensor1D;
    expectTensorClose(linear(x, w, b), tf.add(tf.matMul(x.reshape([6, 4]) as tf.Tensor2D, w).reshape([2, 3, 2]), b), FLOAT32_PRODUCT);
    const gradB = tf.grad((bias: tf.Tensor) => tf.sum(linear(x, w, bias as tf.Tensor1D)))(b);
    expectTensorClose(gradB, [6, 6], FLOAT32_PRODUCT);
  });

  it('rejects mismatched inner dimensions with a typed error', () => {
    expect(() => matMul(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(/ShapeMismatch|got shape \[4, 5\]/);
  });

  it('leaks no tensors across a forward and backward pass', async () => {
    const rng = new Rng(6);
    const a = tf.variable(randomTensor(rng, [8, 8]));
    const b = randomTensor(rng, [8, 8]);
    const optimizer = tf.train.sgd(0.01);
    const step = () => optimizer.minimize(() => tf.sum(matMul(a, b)) as tf.Scalar, true)!.dispose();
    step();
    await expectNoTensorLeak(() => {
      for (let i = 0; i < 5; i++) step();
    });
  });
});

describe('custom-gradient ops outside a gradient tape', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  it('knows when tfjs records a tape (the tfjs internal it reads exists)', () => {
    expect(recordingGradients()).toBe(false);
    let inside: boolean | undefined;
    tf.grad((x: tf.Tensor) => {
      inside = recordingGradients();
      return tf.sum(x);
    })(tf.ones([2]));
    expect(inside).toBe(true);
  });

  it('gives the same values as under a tape, and gradients under a tape still flow', () => {
    const rng = new Rng(3);
    const a = randomTensor(rng, [2, 3, 5, 7]);
    const b = randomTensor(rng, [2, 3, 7, 4]);
    const outside = matMul(a, b);
    let taped: tf.Tensor | undefined;
    const grad = tf.grad((x: tf.Tensor) => {
      taped = tf.keep(matMul(x, b));
      return tf.sum(taped);
    })(a);
    expectTensorClose(outside, taped as tf.Tensor, { atol: 0, rtol: 0 });
    // d Σ(a·b) / da = 1 · bᵀ summed over columns: every row of a item gets Σ_j b[k, j].
    expectTensorClose(grad, tf.tile(tf.sum(b, 3).reshape([2, 3, 1, 7]), [1, 1, 5, 1]), FLOAT32_PRODUCT);
  });
});
