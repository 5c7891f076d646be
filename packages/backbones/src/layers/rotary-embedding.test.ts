import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { RotaryEmbedding, rotaryInverseFrequencies } from './rotary-embedding.js';

const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

/** Rotate-half RoPE written out: pair (i, i + d/2) of position p rotates by p·θ^(−2i/d). */
function reference(x: Float32Array, length: number, heads: number, dim: number, offset: number, theta: number): number[] {
  const out = Array.from(x);
  const half = dim / 2;
  for (let t = 0; t < length; t++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < half; i++) {
        const angle = (offset + t) * Math.pow(theta, (-2 * i) / dim);
        const base = (t * heads + h) * dim;
        const a = x[base + i]!;
        const b = x[base + half + i]!;
        out[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
        out[base + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
  }
  return out;
}

describe('RotaryEmbedding', () => {
  it('rotates each (i, i + d/2) pair by position · θ^(−2i/d), offset by the cache length', () => {
    const rng = new Rng(1);
    const data = Float32Array.from({ length: 5 * 2 * 8 }, () => rng.normal());
    const rotary = new RotaryEmbedding({ dimension: 8, theta: 10000 });
    for (const offset of [0, 37]) {
      const actual = tf.tidy(() => rotary.apply(tf.tensor4d(data, [1, 5, 2, 8]), offset).dataSync());
      expectTensorClose(actual, reference(data, 5, 2, 8, offset, 10000), FLOAT32);
    }
  });

  it('rotates only the first `dimension` channels of wider heads and passes the rest through (partial RoPE)', () => {
    const rng = new Rng(2);
    const [length, heads, headDim, rotated] = [4, 3, 10, 4];
    const data = Float32Array.from({ length: length * heads * headDim }, () => rng.normal());
    const actual = tf.tidy(() => Array.from(new RotaryEmbedding({ dimension: rotated, theta: 50 }).apply(tf.tensor4d(data, [1, length, heads, headDim]), 3).dataSync()));
    const slices = (values: ArrayLike<number>, from: number, to: number) =>
      Float32Array.from({ length: length * heads * (to - from) }, (_, i) => values[Math.floor(i / (to - from)) * headDim + from + (i % (to - from))] as number);
    expectTensorClose(slices(actual, 0, rotated), reference(slices(data, 0, rotated), length, heads, rotated, 3, 50), FLOAT32);
    expectTensorClose(slices(actual, rotated, headDim), slices(data, rotated, headDim), { atol: 0, rtol: 0 });
  });

  it('linear scaling divides every frequency by the factor', () => {
    const plain = rotaryInverseFrequencies({ dimension: 8, theta: 500 });
    const scaled = rotaryInverseFrequencies({ dimension: 8, theta: 500, scaling: { type: 'linear', factor: 4 } });
    expectTensorClose(scaled, plain.map((f) => f / 4), { atol: 0, rtol: 1e-15 });
  });

  it('llama3 scaling keeps high frequencies, divides low ones and blends the band between', () => {
    const scaling = { type: 'llama3', factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 64 } as const;
    const plain = rotaryInverseFrequencies({ dimension: 16, theta: 10000 });
    const scaled = rotaryInverseFrequencies({ dimension: 16, theta: 10000, scaling });
    plain.forEach((f, i) => {
      const wavelength = (2 * Math.PI) / f;
      if (wavelength < 64 / 4) expect(scaled[i]).toBe(f);
      else if (wavelength > 64 / 1) expect(scaled[i]).toBeCloseTo(f / 8, 15);
      else {
        const smooth = (64 / wavelength - 1) / (4 - 1);
        expect(scaled[i]).toBeCloseTo((1 - smooth) * (f / 8) + smooth * f, 15);
      }
    });
    // The chosen numbers exercise all three regimes.
    const regimes = new Set(Array.from(plain).map((f) => ((2 * Math.PI) / f < 16 ? 'high' : (2 * Math.PI) / f > 64 ? 'low' : 'band')));
    expect(regimes).toEqual(new Set(['high', 'low', 'band']));
  });
});
