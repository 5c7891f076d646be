import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { AdamW } from './adamw.js';
import { clipByGlobalNorm } from './clip-gradients.js';
import { warmupCosine } from './learning-rate.js';

/** Float32 optimizer arithmetic against a float64 reference over a few steps. */
const OPTIMIZER_STEP = { atol: 1e-6, rtol: 1e-5 };

/** PyTorch's AdamW update, written out in float64. */
function referenceAdamW(p: number[], grads: number[][], rates: number[], o: { b1: number; b2: number; eps: number; wd: number; anchor?: number[] }) {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, stepIndex) => {
    const t = stepIndex + 1;
    const lr = rates[stepIndex] as number;
    for (let i = 0; i < p.length; i++) {
      const anchor = o.anchor?.[i] ?? 0;
      p[i] = (p[i] as number) - lr * o.wd * ((p[i] as number) - anchor);
      m[i] = o.b1 * (m[i] as number) + (1 - o.b1) * (g[i] as number);
      v[i] = o.b2 * (v[i] as number) + (1 - o.b2) * (g[i] as number) ** 2;
      const mHat = (m[i] as number) / (1 - o.b1 ** t);
      const vHat = (v[i] as number) / (1 - o.b2 ** t);
      p[i] = (p[i] as number) - (lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  });
  return p;
}

describe('training utilities', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  it('AdamW matches the PyTorch update rule, decaying matrices but not vectors', () => {
    const options = { b1: 0.9, b2: 0.95, eps: 1e-8, wd: 0.1 };
    const matrix = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, 'matrix');
    const vector = tf.variable(tf.tensor1d([1, -2]), true, 'vector');
    const optimizer = new AdamW({ beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
    const matrixGrads = [[0.1, -0.2, 0.3, 0.4], [-0.5, 0.1, 0.0, 0.2], [0.3, 0.3, -0.1, 0.05]];
    const vectorGrads = [[1, -1], [0.5, 0.5], [-0.2, 0.1]];
    const rates = [1e-2, 5e-3, 2e-3];
    for (let s = 0; s < 3; s++) {
      optimizer.apply([matrix, vector], { matrix: tf.tensor2d(matrixGrads[s]!, [2, 2]), vector: tf.tensor1d(vectorGrads[s]!) }, rates[s]!);
    }
    expectTensorClose(matrix.reshape([4]), referenceAdamW([0.5, -1, 2, 0.25], matrixGrads, rates, options), OPTIMIZER_STEP);
    expectTensorClose(vector, referenceAdamW([1, -2], vectorGrads, rates, { ...options, wd: 0 }), OPTIMIZER_STEP);
    expect(optimizer.step).toBe(3);
  });

  it('AdamW decays toward an anchor instead of 0 where one is given', async () => {
    const options = { b1: 0.9, b2: 0.95, eps: 1e-8, wd: 0.5 };
    const anchor = [[0.4, 0.1], [-1, 3]];
    const anchored = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, 'anchored');
    const plain = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, 'plain');
    const anchorTensor = tf.tensor2d(anchor);
    const optimizer = new AdamW({ beta1: 0.9, beta2: 0.95, weightDecay: 0.5, anchor: (variable) => (variable === anchored ? anchorTensor : undefined) });
    const grads = [[0.1, -0.2, 0.3, 0.4], [-0.5, 0.1, 0.0, 0.2]];
    const rates = [0.1, 0.05];
    for (let s = 0; s < 2; s++) {
      optimizer.apply([anchored, plain], { anchored: tf.tensor2d(grads[s]!, [2, 2]), plain: tf.tensor2d(grads[s]!, [2, 2]) }, rates[s]!);
    }
    expectTensorClose(anchored.reshape([4]), referenceAdamW([0.5, -1, 2, 0.25], grads, rates, { ...options, anchor: anchor.flat() }), OPTIMIZER_STEP);
    expectTensorClose(plain.reshape([4]), referenceAdamW([0.5, -1, 2, 0.25], grads, rates, options), OPTIMIZER_STEP);
    // A variable already at its anchor with a zero gradient does not move.
    const still = tf.variable(tf.tensor2d(anchor), true, 'still');
    new AdamW({ weightDecay: 0.5, anchor: () => anchorTensor }).apply([still], { still: tf.zeros([2, 2]) }, 0.1);
    expectTensorClose(still, anchorTensor, { atol: 0, rtol: 0 });
    const wrong = tf.variable(tf.zeros([3]), true, 'wrong');
    expect(() => new AdamW({ weightDecay: 0.5, decays: () => true, anchor: () => anchorTensor }).apply([wrong], { wrong: tf.zeros([3]) }, 0.1)).toThrow(/anchor of wrong/);
  });

  it('AdamW state round-trips: a restored optimizer continues identically', async () => {
    let made = 0;
    const make = () => tf.variable(tf.tensor1d([0.3, -0.7, 1.1]), true, `w${made++}`);
    const grads = [[0.1, 0.2, -0.3], [0.05, -0.1, 0.2], [0.3, 0.1, 0.1], [-0.2, 0.2, 0]];
    const a = make();
    const optimizer = new AdamW();
    grads.slice(0, 2).forEach((g) => optimizer.apply([a], { [a.name]: tf.tensor1d(g) }, 0.01));
    const saved = optimizer.getState();
    const snapshot = a.dataSync().slice();
    grads.slice(2).forEach((g) => optimizer.apply([a], { [a.name]: tf.tensor1d(g) }, 0.01));

    const b = make();
    b.assign(tf.tensor1d(snapshot));
    const resumed = new AdamW({ slotKey: (variable) => (variable === b ? a.name : variable.name) });
    resumed.setState(saved);
    grads.slice(2).forEach((g) => resumed.apply([b], { [b.name]: tf.tensor1d(g) }, 0.01));
    expectTensorClose(b, a, { atol: 0, rtol: 0 });
    const gradient = tf.tensor1d([0.1, 0.1, 0.1]);
    await expectNoTensorLeak(() => resumed.apply([b], { [b.name]: gradient }, 0.01));
  });

  it('AdamW updates one variable and one stage at a time: its peak is a few tensors of a variable\'s size, not one per operation of every variable', async () => {
    const shape = [64, 256];
    const variableBytes = 64 * 256 * 4;
    const variables = ['peak-a', 'peak-b'].map((name) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 1), true, name));
    const gradients = Object.fromEntries(variables.map((variable, i) => [variable.name, tf.randomNormal(shape, 0, 1, 'float32', 2 + i)]));
    const optimizer = new AdamW({ weightDecay: 0.1 });
    optimizer.apply(variables, gradients, 1e-3); // creates the moment slots
    const before = tf.memory().numBytes;
    const profile = await tf.profile(() => optimizer.apply(variables, gradients, 1e-3));
    // All temporaries of both variables at once would be ~30 variable sizes.
    expect(profile.peakBytes - before).toBeLessThanOrEqual(5 * variableBytes);
    expect(tf.memory().numBytes).toBe(before);
    tf.dispose([...variables, ...Object.values(gradients)]);
    optimizer.dispose();
  });

  it('clips by global norm like clip_grad_norm_', () => {
    const gradients = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const { gradients: clipped, norm } = clipByGlobalNorm(gradients, 1);
    expect(norm).toBeCloseTo(5, 5);
    expectTensorClose(clipped.a!, [0.6, 0], { atol: 1e-6, rtol: 1e-5 });
    expectTensorClose(clipped.b!, [0, 0.8], { atol: 1e-6, rtol: 1e-5 });
    const small = { a: tf.tensor1d([0.1]) };
    expect(clipByGlobalNorm(small, 1).gradients.a).toBe(small.a);
  });

  it('warms up linearly, then decays by a cosine to 10% of the peak', () => {
    const schedule = warmupCosine({ peak: 1e-3, warmupSteps: 100, totalSteps: 1100 });
    expect(schedule(0)).toBeCloseTo(1e-5, 12);
    expect(schedule(99)).toBeCloseTo(1e-3, 12);
    expect(schedule(600)).toBeCloseTo(1e-3 * (0.1 + 0.9 * 0.5), 12);
    expect(schedule(1100)).toBeCloseTo(1e-4, 12);
    expect(schedule(5000)).toBeCloseTo(1e-4, 12);
    expect(() => warmupCosine({ peak: 1, warmupSteps: 10, totalSteps: 5 })).toThrow(/totalSteps > warmupSteps/);
  });
});
