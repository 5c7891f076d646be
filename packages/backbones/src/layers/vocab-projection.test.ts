import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { VocabProjection } from './vocab-projection.js';

const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const rng = new Rng(9);
const random = (count: number) => Array.from({ length: count }, () => rng.normal());

describe('VocabProjection', () => {
  it('gives the same logits tied ([vocab, hidden] table) or untied ([hidden, vocab] weight)', () => {
    tf.tidy(() => {
      const table = tf.tensor2d(random(7 * 3), [7, 3]);
      const bias = tf.tensor1d(random(7));
      const hidden = tf.tensor3d(random(2 * 4 * 3), [2, 4, 3]);
      const tied = new VocabProjection({ tied: true, table, bias });
      const untied = new VocabProjection({ tied: false, weight: tf.transpose(table), bias });
      const expected = tf.add(tf.matMul(hidden.reshape([8, 3]), table, false, true), bias).reshape([2, 4, 7]);
      expectTensorClose(tied.project(hidden), expected, FLOAT32);
      expectTensorClose(untied.project(hidden), expected, FLOAT32);
      expectTensorClose(untied.outputProjection().weight, table, { atol: 0, rtol: 0 });
      tied.dispose();
      untied.dispose();
    });
  });

  it('lets gradients reach a trainable tied table, and refreshes its cached transpose after assign', async () => {
    const table = tf.variable(tf.tensor2d(random(5 * 2), [5, 2]), true);
    const frozen = tf.variable(tf.tensor2d(random(5 * 2), [5, 2]), false);
    const hidden = tf.tensor2d(random(3 * 2), [3, 2]);
    const trainable = new VocabProjection({ tied: true, table, bias: null });
    const { grads } = tf.variableGrads(() => tf.sum(trainable.project(hidden)) as tf.Scalar, [table]);
    const gradient = grads[table.name] as tf.Tensor;
    // d/dW Σ h·Wᵀ = column sums of h broadcast over rows.
    const expected = tf.tidy(() => tf.tile(tf.sum(hidden, 0, true), [5, 1]));
    expectTensorClose(gradient, expected, FLOAT32);

    const cached = new VocabProjection({ tied: true, table: frozen, bias: null });
    tf.dispose(cached.project(hidden));
    const replacement = tf.tensor2d(random(5 * 2), [5, 2]);
    frozen.assign(replacement);
    const logits = cached.project(hidden);
    expectTensorClose(logits, tf.tidy(() => tf.matMul(hidden, replacement, false, true)), FLOAT32);
    await expectNoTensorLeak(() => tf.dispose(cached.project(hidden)));
    tf.dispose([gradient, expected, replacement, logits, hidden, table, frozen]);
    cached.dispose();
    trainable.dispose();
  });

  it('outside a gradient, projects a trainable tied table through one cached transpose that follows assign', async () => {
    const table = tf.variable(tf.tensor2d(random(6 * 4), [6, 4]), true);
    const hidden = tf.tensor2d(random(2 * 4), [2, 4]);
    const projection = new VocabProjection({ tied: true, table, bias: null });
    const reference = () => tf.tidy(() => tf.matMul(hidden, table, false, true));
    const first = projection.project(hidden);
    const firstReference = reference();
    expectTensorClose(first, firstReference, FLOAT32);
    // The second call reuses the copy: no transpose runs, and nothing is left behind.
    const transposes = (await tf.profile(() => tf.dispose(projection.project(hidden)))).kernels.filter((kernel) => kernel.name === 'Transpose');
    expect(transposes).toHaveLength(0);
    await expectNoTensorLeak(() => tf.dispose(projection.project(hidden)));
    // An optimizer step assigns new values: the next projection sees them.
    const updated = tf.tensor2d(random(6 * 4), [6, 4]);
    table.assign(updated);
    const second = projection.project(hidden);
    const secondReference = reference();
    expectTensorClose(second, secondReference, FLOAT32);
    // Under a gradient the table is still differentiated through.
    const { grads } = tf.variableGrads(() => tf.sum(projection.project(hidden)) as tf.Scalar, [table]);
    expectTensorClose(grads[table.name] as tf.Tensor, tf.tidy(() => tf.tile(tf.sum(hidden, 0, true), [6, 1])), FLOAT32);
    tf.dispose([first, firstReference, second, secondReference, updated, hidden, table, ...Object.values(grads)]);
    projection.dispose();
  });
});
