import { Rng } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64LogSumExp, logProbabilityOf, logSumExp } from './log-probability.js';
import { argmax } from '../sampling/argmax.js';
import { createTokenSampler } from '../sampling/sample-token.js';
import { simdGreedyChoice, simdLogSumExp, sumExpKernelBytes } from './sum-exp-kernel.js';

/** A float32 row of `n` normal logits with standard deviation `scale` around `offset`. */
function row(n: number, scale: number, offset: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => offset + scale * rng.normal());
}

/** Tolerance of the SIMD log-sum-exp against the float64 loop: float32 exponentials, a few ulp each. */
const SIMD_LSE_TOLERANCE = 1e-6;

describe('logSumExp: the SIMD kernel against the float64 loop', () => {
  it('assembles a valid WebAssembly module (Node has SIMD, so the kernel path is the one tested)', () => {
    expect(WebAssembly.validate(sumExpKernelBytes())).toBe(true);
    expect(simdLogSumExp(row(16, 1, 0, 1))).toBeTypeOf('number');
  });

  it('agrees within 1e-6 on vocabulary-sized rows of every spread and offset, and on lengths that are not multiples of 4', () => {
    for (const [n, scale, offset] of [[8192, 1, 0], [8192, 5, -30], [8192, 20, 1e3], [50257, 3, 0], [1, 1, 7], [3, 2, 0], [4, 2, 0], [13, 4, -2], [8190, 2, 0]] as const) {
      const logits = row(n, scale, offset, n);
      const fast = logSumExp(logits);
      const reference = float64LogSumExp(logits);
      expect(Math.abs(fast - reference), `n ${n}, scale ${scale}, offset ${offset}`).toBeLessThanOrEqual(SIMD_LSE_TOLERANCE * Math.max(1, Math.abs(reference)));
    }
  });

  it('agrees on arbitrary rows (property), with banned ids at −Infinity', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 }), fc.array(fc.nat(), { maxLength: 20 }), (values, banned) => {
        const logits = Float32Array.from(values);
        for (const id of banned) if (id % logits.length !== 0) logits[id % logits.length] = -Infinity;
        expect(Math.abs(logSumExp(logits) - float64LogSumExp(logits))).toBeLessThanOrEqual(SIMD_LSE_TOLERANCE * 64);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('gives a banned id −Infinity and a fully banned row −Infinity; NaN and +Infinity rows take the float64 loop', () => {
    const logits = row(64, 2, 0, 3);
    logits[5] = -Infinity;
    expect(logProbabilityOf(logits, 5)).toBe(-Infinity);
    expect(logSumExp(new Float32Array(8).fill(-Infinity))).toBe(-Infinity);
    const nan = row(8, 1, 0, 4);
    nan[2] = Number.NaN;
    expect(logSumExp(nan)).toBeNaN();
    const infinite = row(8, 1, 0, 5);
    infinite[6] = Infinity;
    expect(logSumExp(infinite)).toBe(float64LogSumExp(infinite));
  });

  it('takes the float64 loop for plain arrays, and the log-probabilities of a row sum to 1', () => {
    const logits = row(257, 3, 1, 6);
    expect(logSumExp(Array.from(logits))).toBe(float64LogSumExp(logits));
    let total = 0;
    for (let id = 0; id < logits.length; id++) total += Math.exp(logProbabilityOf(logits, id));
    expect(total).toBeCloseTo(1, 5);
  });
});

describe('simdGreedyChoice: the greedy id and its log-probability in two SIMD passes', () => {
  /** What the checked path gives: `argmax` (lowest id among ties) and `logProbabilityOf`. */
  const checked = (logits: Float32Array) => {
    const id = argmax(logits);
    return { id, logProb: logProbabilityOf(logits, id) };
  };

  it('gives exactly the checked path\'s id and log-probability on arbitrary rows (property), with ties, ±0 and banned ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.float({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 3, 3)), { minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (values, banned) => {
          const logits = Float32Array.from(values);
          for (const id of banned) if (id % logits.length !== 0) logits[id % logits.length] = -Infinity;
          expect(simdGreedyChoice(logits)).toEqual(checked(logits));
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });

  it('finds the lowest id of a tied maximum anywhere in a vocabulary row, also in the last n mod 4 entries', () => {
    for (const n of [8192, 8190, 5, 1]) {
      for (const at of [0, 1, n >> 1, n - 2, n - 1].filter((at) => at >= 0 && at < n)) {
        const logits = row(n, 1, 0, n + at);
        logits[at] = 50;
        if (at + 1 < n) logits[n - 1] = 50;
        expect(simdGreedyChoice(logits), `n ${n}, max at ${at}`).toEqual(checked(logits));
        expect(simdGreedyChoice(logits)?.id).toBe(at);
      }
    }
  });

  it('refuses rows with a NaN (in the SIMD body or the tail), a +Infinity, nothing finite, or no entries, leaving them to the checked path', () => {
    for (const [n, at] of [[64, 7], [66, 65], [3, 2]] as const) {
      const nan = row(n, 1, 0, at);
      nan[at] = Number.NaN;
      expect(simdGreedyChoice(nan), `NaN at ${at} of ${n}`).toBeUndefined();
      const infinite = row(n, 1, 0, at);
      infinite[at] = Infinity;
      expect(simdGreedyChoice(infinite), `+Infinity at ${at} of ${n}`).toBeUndefined();
    }
    expect(simdGreedyChoice(new Float32Array(9).fill(-Infinity))).toBeUndefined();
    expect(simdGreedyChoice(new Float32Array(0))).toBeUndefined();
  });

  it('is taken only for the plain greedy sampler', () => {
    expect(createTokenSampler({ temperature: 0 }).greedy).toBe(true);
    expect(createTokenSampler({ temperature: 0.7 }).greedy).toBe(false);
    expect(createTokenSampler({}).greedy).toBe(false);
  });
});
