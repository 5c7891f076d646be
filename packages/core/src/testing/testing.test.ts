import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../runtime/engine.js';
import { expectNoTensorLeak, expectTensorClose, finiteDifferenceGradient, testDataPath, testEngineOptions } from './index.js';

describe('test helpers', () => {
  beforeAll(async () => {
    await initEngine(testEngineOptions());
  });

  it('expectTensorClose passes within tolerance and reports the first failing index', () => {
    expectTensorClose(tf.tensor2d([[1, 2], [3, 4]]), [[1, 2.00001], [3, 4]], { atol: 1e-4, rtol: 0 });
    expect(() => expectTensorClose(tf.tensor2d([[1, 2], [3, 5]]), [[1, 2], [3, 4]], { atol: 1e-4, rtol: 1e-4 })).toThrow(
      'expectTensorClose: 1 of 4 values differ (atol 0.0001, rtol 0.0001); first at index [1, 1]: actual 5, expected 4; max |diff| 1',
    );
    expect(() => expectTensorClose([1, 2, 3], [1, 2], { atol: 1, rtol: 1 })).toThrow(/shape/);
    expect(() => expectTensorClose([Number.NaN], [0], { atol: 1, rtol: 1 })).toThrow(/differ/);
    // rtol scales with |expected|.
    expectTensorClose([1000.05], [1000], { atol: 0, rtol: 1e-4 });
    expect(() => expectTensorClose([1000.2], [1000], { atol: 0, rtol: 1e-4 })).toThrow(/differ/);
  });

  it('expectNoTensorLeak catches a leaked tensor and allows declared ones', async () => {
    await expect(expectNoTensorLeak(() => void tf.ones([2]))).rejects.toThrow(/\+1/);
    const kept = await expectNoTensorLeak(() => tf.ones([2]), { allowed: 1 });
    kept.dispose();
    await expectNoTensorLeak(() => tf.tidy(() => void tf.add(tf.ones([2]), 1)));
  });

  it('finiteDifferenceGradient recovers the gradient of a cubic', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const { values } = finiteDifferenceGradient((v) => tf.sum(tf.pow(v, 3)) as tf.Scalar, x, { epsilon: 1e-2 });
    expectTensorClose(values, [0.75, 3, 12], { atol: 1e-2, rtol: 1e-3 });
  });

  it('testDataPath points into the repository\'s tooling/test-data', () => {
    // This file is packages/core/src/testing/testing.test.ts in the workspace.
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const fixtures = testDataPath('fixtures');
    expect(fixtures).toBe(join(root, 'tooling', 'test-data', 'fixtures'));
    expect(existsSync(join(fixtures, 'tiny-llama', 'golden.json'))).toBe(true);
  });
});
