import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { currentEngine, initEngine, matMul } from '@maria-ts/core';
import { expectNoTensorLeak, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * core does not re-export TensorFlow.js: this package imports `@tensorflow/tfjs` itself (a peer
 * dependency). These checks fail if the `tf` here and core's were different copies or computed
 * on different engines.
 */
describe("this package's tf is core's TensorFlow.js", () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  it('resolves @tensorflow/tfjs to the file core loads (one copy)', () => {
    const here = createRequire(import.meta.url);
    const fromCore = createRequire(here.resolve('@maria-ts/core/package.json'));
    expect(realpathSync(here.resolve('@tensorflow/tfjs'))).toBe(realpathSync(fromCore.resolve('@tensorflow/tfjs')));
  });

  it('computes on the engine core selected, and core counts and computes with its tensors', async () => {
    const engine = currentEngine();
    expect(engine?.backend).toBe(process.env.MARIA_ENGINE === 'tensorflow' ? 'tensorflow' : 'wasm');
    // A separate copy would start its own engine on its default backend (cpu), not core's.
    expect(tf.getBackend()).toBe(engine?.backend);
    // core's leak check counts tensors with its tfjs: exactly the one made here.
    const made = await expectNoTensorLeak(() => tf.tensor2d([[1, 2], [3, 4]]), { allowed: 1 });
    // core's op takes it and returns a tensor of this tfjs's class, on the same backend.
    const product = matMul(made, made);
    expect(product).toBeInstanceOf(tf.Tensor);
    expect(await product.array()).toEqual([[7, 10], [15, 22]]);
    tf.dispose([made, product]);
  });
});
