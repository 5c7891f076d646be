import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../rng.js';
import { countNativeHandles, expectNoTensorLeak, expectTensorClose } from '../testing/index.js';
import { initEngine } from './engine.js';
import { NATIVE_OPS_ENV_VAR, nativeOps } from './native-ops.js';
import { locateInstalledEngine } from './native-engine-locator.js';
import { linear } from './ops/matmul.js';
import { gatherRowsToHost, RowProduct } from './ops/row-product.js';

/**
 * Direct TensorFlow ops and the decode-step helpers that use them on tfjs-node (`RowProduct`,
 * `gatherRowsToHost`). Runs where `pnpm setup:tensorflow` installed the binding (CI does).
 */
const native = locateInstalledEngine('@tensorflow/tfjs-node', { env: {} }) !== undefined;

/** TensorFlow's MatMul against the BatchMatMul tfjs-node runs for `linear`: float32 rounding at most. */
const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };

describe.skipIf(!native)(`NativeOps on TensorFlow${native ? '' : ' (not run: @tensorflow/tfjs-node is not installed; run pnpm setup:tensorflow)'}`, () => {
  beforeAll(async () => {
    await initEngine({ engine: 'tensorflow', threads: 1 });
  });
  afterEach(() => vi.unstubAllEnvs());

  it('is there on tfjs-node, and absent while a gradient tape records or with MARIA_NATIVE_OPS=0', () => {
    const ops = nativeOps();
    expect(ops).not.toBeNull();
    ops?.dispose();
    let underTape: unknown = 'not run';
    const probe = tf.scalar(2);
    const grads = tf.grads((x: tf.Tensor) => {
      underTape = nativeOps();
      return tf.square(x);
    })([probe]);
    expect(underTape).toBeNull();
    vi.stubEnv(NATIVE_OPS_ENV_VAR, '0');
    expect(nativeOps()).toBeNull();
    tf.dispose([probe, ...grads]);
  });

  it('runs ops on tfjs tensors and its own handles, frees what it made, and hands results to tfjs', async () => {
    const a = tf.tidy(() => tf.add(tf.tensor2d([[1, 2], [3, 4]]), 0)); // an op's output: its handle exists before counting
    const count = countNativeHandles();
    try {
      await expectNoTensorLeak(() => {
        const ops = nativeOps() as NonNullable<ReturnType<typeof nativeOps>>;
        try {
          const b = ops.floats(Float32Array.of(10, 20), [2]);
          const sum = ops.one('AddV2', [ops.float], [ops.input(a), b]);
          expect(Array.from(ops.read(sum))).toEqual([11, 22, 13, 24]);
          const [left, right] = ops.run('SplitV', [ops.float, ops.type('Tlen', 'int32'), ops.int('num_split', 2)], [sum, ops.intVector([1, 1]), ops.intScalar(1)], 2) as [never, never];
          expect(ops.read(left)).toEqual(Float32Array.of(11, 13));
          expect(ops.read(right)).toEqual(Float32Array.of(22, 24));
          const handed = ops.toTensor(sum, [4]);
          expect(handed.shape).toEqual([4]);
          expect(Array.from(handed.dataSync())).toEqual([11, 22, 13, 24]);
          handed.dispose();
        } finally {
          ops.dispose();
        }
      });
    } finally {
      count.restore();
    }
    expect(count.made).toBeGreaterThan(5);
    expect(count.freed).toBe(count.made);
    a.dispose();
  });

  it('RowProduct runs one TensorFlow MatMul a call and equals linear, for every row count, with and without a bias', async () => {
    const rng = new Rng(4);
    const weight = tf.tensor2d(Float32Array.from({ length: 48 * 40 }, () => rng.normal()), [48, 40]);
    const bias = tf.tensor1d(Float32Array.from({ length: 40 }, () => rng.normal()));
    for (const withBias of [false, true]) {
      const product = new RowProduct(weight, withBias ? bias : null, 7);
      for (const rows of [1, 2, 3, 4, 7, 9]) {
        const x = Float32Array.from({ length: rows * 48 }, () => rng.normal());
        const expected = tf.tidy(() => linear(tf.tensor2d(x, [rows, 48]), weight, withBias ? bias : null).dataSync());
        expectTensorClose(product.run(x, rows), Array.from(expected), FLOAT32);
      }
      const count = countNativeHandles();
      try {
        await expectNoTensorLeak(() => void product.run(Float32Array.from({ length: 96 }, () => rng.normal()), 2), { allowed: 0 });
      } finally {
        count.restore();
      }
      expect(count.made).toBe(2); // the rows uploaded and the product: nothing else reaches TensorFlow
      expect(count.freed).toBe(count.made);
      product.dispose();
    }
    tf.dispose([weight, bias]);
  });

  it('gatherRowsToHost gathers with one TensorFlow call and equals tf.gather', () => {
    const table = tf.tensor2d(Float32Array.from({ length: 20 * 6 }, (_, i) => i * 0.5 - 7), [20, 6]);
    const ids = [19, 0, 4, 4];
    const expected = tf.tidy(() => tf.gather(table, tf.tensor1d(ids, 'int32')).dataSync());
    expect(Array.from(gatherRowsToHost(table, Int32Array.from(ids)))).toEqual(Array.from(expected));
    table.dispose();
  });
});
