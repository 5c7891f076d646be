import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { EngineUnavailableError } from '../errors.js';
import { initEngine } from './engine.js';
import { locateInstalledEngine } from './native-engine-locator.js';
import { onSequencePassEngine, sequencePassBackend } from './sequence-pass.js';

/**
 * The `hybrid` engine: wasm active, native TensorFlow for whole-sequence passes. Where `pnpm
 * setup:tensorflow` installed the binding (CI does), this starts both for real; elsewhere only
 * the refusal runs, and the describe title says why the rest did not.
 */
const native = locateInstalledEngine('@tensorflow/tfjs-node', { env: {} }) !== undefined;

describe('engine hybrid: refusal without the native binding', () => {
  it('names the package to install (EngineUnavailableError) and starts nothing', async () => {
    const importModule = async (specifier: string): Promise<unknown> => {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    const refused = initEngine({ engine: 'hybrid', importModule, env: {} });
    await expect(refused).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(refused).rejects.toThrow(/@tensorflow\/tfjs-node/u);
    expect(sequencePassBackend()).toBeNull();
  });
});

describe.skipIf(!native)(`engine hybrid on this machine${native ? '' : ' (not run: @tensorflow/tfjs-node is not installed; run pnpm setup:tensorflow)'}`, () => {
  it('starts wasm as the active backend with TensorFlow for sequence passes, and switches for one call only', async () => {
    const info = await initEngine({ engine: 'hybrid', threads: 1 });
    expect(info).toMatchObject({ name: 'hybrid', backend: 'wasm', threads: 1, sequencePass: 'tensorflow' });
    expect(tf.getBackend()).toBe('wasm');
    expect(onSequencePassEngine(() => tf.getBackend())).toBe('tensorflow');
    expect(tf.getBackend()).toBe('wasm');
    expect(() =>
      onSequencePassEngine(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(tf.getBackend()).toBe('wasm');
    // Nested: already on the pass backend, it stays there.
    expect(onSequencePassEngine(() => onSequencePassEngine(() => tf.getBackend()))).toBe('tensorflow');
  });

  it('computes a pass on TensorFlow from tensors made on wasm (products, and a gather that reads its indices on the host), and wasm reads them back', async () => {
    await initEngine({ engine: 'hybrid', threads: 1 });
    const weight = tf.keep(tf.randomNormal([64, 48], 0, 1, 'float32', 3) as tf.Tensor2D);
    const table = tf.keep(tf.randomNormal([100, 16], 0, 1, 'float32', 4) as tf.Tensor2D);
    const ids = tf.keep(tf.tensor1d([5, 99, 0, 5, 42], 'int32'));
    const x = tf.randomNormal([10, 64], 0, 1, 'float32', 5) as tf.Tensor2D;
    const onWasm = tf.tidy(() => (tf.matMul(x, weight) as tf.Tensor2D).arraySync());
    const rowsOnWasm = tf.tidy(() => (tf.gather(table, ids) as tf.Tensor2D).arraySync());
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const product = onSequencePassEngine(() => tf.tidy(() => tf.matMul(x, weight))) as tf.Tensor2D;
      const rows = onSequencePassEngine(() => tf.tidy(() => tf.gather(table, ids))) as tf.Tensor2D;
      const got = product.arraySync();
      got.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(onWasm[i]?.[j] as number, 4)));
      expect(rows.arraySync()).toEqual(rowsOnWasm);
      tf.dispose([product, rows]);
      // Back on wasm the same tensors still compute (their data moves back when wasm reads them).
      expect(tf.tidy(() => (tf.gather(table, ids) as tf.Tensor2D).arraySync())).toEqual(rowsOnWasm);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([weight, table, ids, x]);
  });

  it('turns sequence passes off when another engine starts', async () => {
    await initEngine({ engine: 'hybrid', threads: 1 });
    expect(sequencePassBackend()).toBe('tensorflow');
    const info = await initEngine({ engine: 'wasm', threads: 1 });
    expect(info.sequencePass).toBeUndefined();
    expect(sequencePassBackend()).toBeNull();
    expect(onSequencePassEngine(() => tf.getBackend())).toBe('wasm');
  });
});
