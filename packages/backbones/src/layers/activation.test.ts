import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { activation, ACTIVATION_NAMES, isActivationName } from './activation.js';

const FLOAT32 = { atol: 1e-6, rtol: 1e-6 };
const inputs = [-3, -1, -0.5, 0, 0.5, 1, 3];

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

/** erf by its Maclaurin series, accurate to double precision for |x| ≤ 3. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const expected: Record<string, (x: number) => number> = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  silu: (x) => x / (1 + Math.exp(-x)),
  relu: (x) => Math.max(0, x),
  quick_gelu: (x) => x / (1 + Math.exp(-1.702 * x)),
};

describe('activation', () => {
  for (const [name, formula] of Object.entries(expected)) {
    it(`${name} matches its formula`, () => {
      if (!isActivationName(name)) throw new Error(name);
      const actual = tf.tidy(() => activation(name)(tf.tensor1d(inputs)).dataSync());
      expectTensorClose(actual, inputs.map(formula), FLOAT32);
    });
  }

  it('tells exact gelu from its tanh approximation (BERT vs GPT-2)', () => {
    const [exact, tanh] = ['gelu', 'gelu_new'].map((name) => tf.tidy(() => activation(name as 'gelu')(tf.scalar(1.5)).dataSync()[0] as number));
    expect(Math.abs((exact as number) - (tanh as number))).toBeGreaterThan(1e-4);
  });

  it('knows only the listed names', () => {
    expect(ACTIVATION_NAMES).toContain('gelu_pytorch_tanh');
    expect(isActivationName('mish')).toBe(false);
  });
});
