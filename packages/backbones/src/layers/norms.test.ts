import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, it } from 'vitest';
import { layerNorm } from './layer-norm.js';
import { rmsNorm } from './rms-norm.js';

const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const rng = new Rng(5);
const rows = Array.from({ length: 3 }, () => Array.from({ length: 6 }, () => rng.normal(0.5, 2)));
const weight = Array.from({ length: 6 }, () => rng.normal());
const bias = Array.from({ length: 6 }, () => rng.normal());

describe('norms', () => {
  it('layerNorm uses the biased variance, with optional weight and bias', () => {
    const epsilon = 1e-5;
    const normalised = rows.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      return row.map((x) => (x - mean) / Math.sqrt(variance + epsilon));
    });
    tf.tidy(() => {
      const x = tf.tensor2d(rows);
      expectTensorClose(layerNorm(x, { weight: null, bias: null }, epsilon), normalised, FLOAT32);
      const affine = normalised.map((row) => row.map((v, i) => v * weight[i]! + bias[i]!));
      expectTensorClose(layerNorm(x, { weight: tf.tensor1d(weight), bias: tf.tensor1d(bias) }, epsilon), affine, FLOAT32);
      const noBias = normalised.map((row) => row.map((v, i) => v * weight[i]!));
      expectTensorClose(layerNorm(x, { weight: tf.tensor1d(weight), bias: null }, epsilon), noBias, FLOAT32);
    });
  });

  it('rmsNorm divides by the root mean square and scales by the weight', () => {
    const epsilon = 1e-6;
    const expected = rows.map((row) => {
      const rms = Math.sqrt(row.reduce((a, b) => a + b * b, 0) / row.length + epsilon);
      return row.map((x, i) => (x / rms) * weight[i]!);
    });
    tf.tidy(() => expectTensorClose(rmsNorm(tf.tensor2d(rows), tf.tensor1d(weight), epsilon), expected, FLOAT32));
  });
});
