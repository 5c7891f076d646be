import { Rng } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMaskSampler, type MaskSamplerSpec } from './create-mask-sampler.js';
import { NoEligiblePositionsError } from './errors.js';
import { fixedMaskCount } from './fixed-count-mask-sampler.js';

/** Every kind of sampler with arbitrary valid parameters. */
const specArbitrary: fc.Arbitrary<MaskSamplerSpec> = fc.oneof(
  fc.constant<MaskSamplerSpec>({ kind: 'beta' }),
  fc.record({ kind: fc.constant('beta' as const), alpha: fc.double({ min: 0.2, max: 10, noNaN: true }), beta: fc.double({ min: 0.2, max: 10, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed-rate' as const), rate: fc.double({ min: 1e-6, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('mdlm' as const), minT: fc.double({ min: 1e-6, max: 0.99, noNaN: true }), stratified: fc.boolean() }),
  fc.record({ kind: fc.constant('fixed-count' as const), rate: fc.double({ min: 1e-6, max: 1, noNaN: true }) }),
);

/** Eligibility flags with at least one eligible position. */
const eligibleArbitrary = fc.array(fc.boolean(), { minLength: 1, maxLength: 96 }).filter((flags) => flags.some(Boolean));

describe('mask samplers: invariants shared by every kind', () => {
  it('mask at least one position, only eligible ones, and report the count', () => {
    fc.assert(
      fc.property(specArbitrary, eligibleArbitrary, fc.integer(), (spec, eligible, seed) => {
        const sample = createMaskSampler(spec).sample(eligible, new Rng(seed));
        expect(sample.mask.length).toBe(eligible.length);
        let count = 0;
        sample.mask.forEach((bit, position) => {
          expect(bit === 0 || bit === 1).toBe(true);
          if (bit) {
            expect(eligible[position]).toBe(true);
            count++;
          }
        });
        expect(count).toBeGreaterThanOrEqual(1);
        expect(sample.count).toBe(count);
        expect(sample.rate).toBeGreaterThan(0);
        expect(sample.rate).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it('are reproducible: the same seed gives the same masks, another seed eventually differs', () => {
    fc.assert(
      fc.property(specArbitrary, eligibleArbitrary, fc.integer(), (spec, eligible, seed) => {
        const sampler = createMaskSampler(spec);
        const first = new Rng(seed);
        const second = new Rng(seed);
        for (let draw = 0; draw < 3; draw++) {
          expect(sampler.sample(eligible, second)).toEqual(sampler.sample(eligible, first));
        }
      }),
      { numRuns: 200 },
    );
    const sampler = createMaskSampler({ kind: 'beta' });
    const eligible = new Array<boolean>(64).fill(true);
    expect(sampler.sample(eligible, new Rng(1)).mask).not.toEqual(sampler.sample(eligible, new Rng(2)).mask);
  });

  it('continue the same mask stream after resuming from a saved RNG state', () => {
    const sampler = createMaskSampler({ kind: 'beta' });
    const eligible = new Array<boolean>(40).fill(true);
    const rng = new Rng(11);
    for (let draw = 0; draw < 5; draw++) sampler.sample(eligible, rng);
    const resumed = new Rng(JSON.parse(JSON.stringify(rng.getState())));
    for (let draw = 0; draw < 5; draw++) expect(sampler.sample(eligible, resumed)).toEqual(sampler.sample(eligible, rng));
  });

  it('fixed-count masks exactly ⌈rate · eligible⌉ positions', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), eligibleArbitrary, fc.integer(), (rate, eligible, seed) => {
        const eligibleCount = eligible.filter(Boolean).length;
        const sample = createMaskSampler({ kind: 'fixed-count', rate }).sample(eligible, new Rng(seed));
        const expected = Math.max(1, Math.ceil(Number((rate * eligibleCount).toFixed(9))));
        expect(sample.count).toBe(expected);
        expect(sample.mask.reduce((sum, bit) => sum + bit, 0)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('refuse a sequence with no eligible position with a typed error', () => {
    for (const spec of [{ kind: 'beta' }, { kind: 'fixed-rate', rate: 0.5 }, { kind: 'mdlm' }, { kind: 'fixed-count', rate: 0.5 }] as const) {
      const sampler = createMaskSampler(spec);
      for (const eligible of [[], [false, false, 0]]) {
        let caught: unknown;
        try {
          sampler.sample(eligible, new Rng(0));
        } catch (error) {
          caught = error;
        }
        expect(NoEligiblePositionsError.isInstance(caught), spec.kind).toBe(true);
        expect(String((caught as Error).message)).toContain(`${eligible.length} positions`);
      }
    }
  });

  it('round the fixed count against floating-point error (0.3 · 10 is 3, not 4)', () => {
    expect(fixedMaskCount({ rate: 0.3 }, 10)).toBe(3);
    expect(fixedMaskCount({ rate: 0.7 }, 10)).toBe(7);
    expect(fixedMaskCount({ rate: 0.31 }, 10)).toBe(4);
    expect(fixedMaskCount({ rate: 0.01 }, 10)).toBe(1);
    expect(fixedMaskCount({ count: 5 }, 10)).toBe(5);
  });
});
