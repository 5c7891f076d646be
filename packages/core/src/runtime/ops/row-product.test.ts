import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../rng.js';
import { expectNoTensorLeak, testEngineOptions } from '../../testing/index.js';
import { initEngine } from '../engine.js';
import { linear } from './matmul.js';
import { gatherRowsToHost, RowProduct } from './row-product.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

describe('RowProduct', () => {
  it('gives exactly what linear gives, for every row count up to its limit and past it, with and without a bias', () => {
    const rng = new Rng(3);
    const weight = tf.tensor2d(Float32Array.from({ length: 24 * 40 }, () => rng.normal()), [24, 40]);
    const bias = tf.tensor1d(Float32Array.from({ length: 40 }, () => rng.normal()));
    for (const withBias of [false, true]) {
      const product = new RowProduct(weight, withBias ? bias : null, 7);
      for (const rows of [1, 2, 3, 4, 5, 6, 7, 1, 9]) {
        const x = Float32Array.from({ length: rows * 24 }, () => rng.normal());
        const expected = tf.tidy(() => linear(tf.tensor2d(x, [rows, 24]), weight, withBias ? bias : null).dataSync());
        expect(Array.from(product.run(x, rows))).toEqual(Array.from(expected));
      }
      product.dispose();
    }
    tf.dispose([weight, bias]);
  });

  it('runShared gives what run gives, into one reused buffer on wasm (a new array past maxRows or elsewhere)', () => {
    const rng = new Rng(5);
    const weight = tf.tensor2d(Float32Array.from({ length: 16 * 12 }, () => rng.normal()), [16, 12]);
    const bias = tf.tensor1d(Float32Array.from({ length: 12 }, () => rng.normal()));
    const product = new RowProduct(weight, bias, 3);
    const buffers = new Set<ArrayBufferLike>();
    for (const rows of [1, 3, 2, 4, 1]) {
      const x = Float32Array.from({ length: rows * 16 }, () => rng.normal());
      const expected = Array.from(product.run(x, rows));
      const shared = product.runShared(x, rows);
      expect(shared.length).toBe(rows * 12);
      expect(Array.from(shared)).toEqual(expected);
      if (rows <= 3) buffers.add(shared.buffer);
    }
    // Every call of at most maxRows rows wrote the same buffer on wasm; elsewhere each result is its own.
    expect(buffers.size).toBe(tf.getBackend() === 'wasm' ? 1 : 4);
    product.dispose();
    tf.dispose([weight, bias]);
  });

  it('holds two buffers while it lives and frees them on dispose; a call allocates nothing that stays', async () => {
    const weight = tf.ones([4, 6]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const product = new RowProduct(weight, null, 2);
    expect(Array.from(product.run(Float32Array.of(1, 2, 3, 4), 1))).toEqual([10, 10, 10, 10, 10, 10]);
    const held = tf.memory().numTensors - before;
    expect(held).toBe(tf.getBackend() === 'wasm' ? 2 : 0);
    await expectNoTensorLeak(() => void product.run(Float32Array.of(1, 1, 1, 1, 2, 2, 2, 2), 2), { allowed: 0 });
    product.dispose();
    expect(tf.memory().numTensors).toBe(before);
    weight.dispose();
  });
});

describe('gatherRowsToHost', () => {
  it("equals tf.gather's rows, repeats and any order included, for a table and for a variable assigned since", async () => {
    const rng = new Rng(5);
    const table = tf.variable(tf.tensor2d(Float32Array.from({ length: 30 * 8 }, () => rng.normal()), [30, 8]));
    for (const ids of [[0], [29, 3, 3, 0], Array.from({ length: 12 }, (_, i) => (i * 7) % 30)]) {
      const expected = tf.tidy(() => tf.gather(table, tf.tensor1d(ids, 'int32')).dataSync());
      expect(Array.from(gatherRowsToHost(table, Int32Array.from(ids)))).toEqual(Array.from(expected));
    }
    table.assign(tf.tidy(() => tf.mul(table, 2)) as tf.Tensor2D);
    const doubled = tf.tidy(() => tf.gather(table, tf.tensor1d([4, 1], 'int32')).dataSync());
    expect(Array.from(gatherRowsToHost(table, Int32Array.of(4, 1)))).toEqual(Array.from(doubled));
    await expectNoTensorLeak(() => void gatherRowsToHost(table, Int32Array.of(2, 9)), { allowed: 0 });
    table.dispose();
  });
});
