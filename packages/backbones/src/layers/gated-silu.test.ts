import { describe, expect, it } from 'vitest';
import { HOST_ACTIVATIONS, hostGatedActivation, hostGatedSilu } from './host-decode.js';

/** Cephes' float32 exponential is within a few float32 ulp; the division and product add one each. */
const FLOAT32_ULPS = 8 * 2 ** -23;

describe('hostGatedSilu', () => {
  it('equals the float64 loop to a few float32 ulp, for any width (also not a multiple of 4), several rows and extreme gates', () => {
    const silu = HOST_ACTIVATIONS.silu as (x: number) => number;
    for (const [rows, inner] of [[1, 688], [3, 7], [2, 1], [4, 64]] as const) {
      const gateAndUp = Float32Array.from({ length: rows * 2 * inner }, (_, i) => {
        const extremes = [-1e4, -100, -88.5, -20, -1e-30, 0, 1e-30, 20, 88.5, 100, 1e4];
        return i % 5 === 0 ? (extremes[i % extremes.length] as number) : Math.sin(i * 0.37) * 12;
      });
      const fast = hostGatedSilu(gateAndUp, rows, inner);
      const reference = hostGatedActivation(gateAndUp, rows, inner, silu);
      expect(fast.length).toBe(rows * inner);
      fast.forEach((value, i) => {
        const expected = reference[i] as number;
        expect(Math.abs(value - expected), `[${rows}, ${inner}] at ${i}: ${value} vs ${expected}`).toBeLessThanOrEqual(FLOAT32_ULPS * Math.abs(expected) + 1e-30);
      });
    }
  });

  it('keeps NaN a NaN and grows its memory for a wider MLP after a narrower one', () => {
    const nan = hostGatedSilu(Float32Array.of(Number.NaN, 1), 1, 1);
    expect(Number.isNaN(nan[0])).toBe(true);
    const wide = 5000;
    const gateAndUp = Float32Array.from({ length: 2 * wide }, (_, i) => (i < wide ? 1 : 2));
    const out = hostGatedSilu(gateAndUp, 1, wide);
    expect(out[wide - 1]).toBeCloseTo(2 / (1 + Math.exp(-1)), 6);
  });
});
