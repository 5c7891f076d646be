import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { fixedRateMaskSampler } from './fixed-rate-mask-sampler.js';

describe('fixedRateMaskSampler', () => {
  it('masks each eligible position with the given probability', () => {
    const rate = 0.3;
    const length = 50;
    const draws = 4_000;
    const sampler = fixedRateMaskSampler({ rate });
    const eligible = Array.from({ length }, (_, position) => position % 5 !== 0); // 40 eligible
    const perPosition = new Float64Array(length);
    const rng = new Rng(9);
    for (let draw = 0; draw < draws; draw++) {
      const sample = sampler.sample(eligible, rng);
      expect(sample.rate).toBe(rate);
      sample.mask.forEach((bit, position) => (perPosition[position] = (perPosition[position] as number) + bit));
    }
    // Each eligible position: Binomial(4000, 0.3), standard deviation of the share ≈ 0.0072; allow 5σ.
    perPosition.forEach((hits, position) => {
      if (eligible[position]) expect(Math.abs(hits / draws - rate)).toBeLessThan(0.036);
      else expect(hits).toBe(0);
    });
    const overall = perPosition.reduce((sum, hits) => sum + hits, 0) / (draws * 40);
    expect(Math.abs(overall - rate)).toBeLessThan(0.005);
  });

  it('still masks one position when the Bernoulli draws mask none', () => {
    const sampler = fixedRateMaskSampler({ rate: 1e-9 });
    const rng = new Rng(3);
    const hits = new Float64Array(4);
    for (let draw = 0; draw < 4_000; draw++) {
      const sample = sampler.sample([1, 1, 0, 1], rng);
      expect(sample.count).toBe(1);
      sample.mask.forEach((bit, position) => (hits[position] = (hits[position] as number) + bit));
    }
    // The fallback position is uniform over the three eligible positions.
    expect(hits[2]).toBe(0);
    for (const position of [0, 1, 3]) expect(Math.abs((hits[position] as number) / 4_000 - 1 / 3)).toBeLessThan(0.04);
  });

  it('masks every eligible position at rate 1', () => {
    const sample = fixedRateMaskSampler({ rate: 1 }).sample([true, false, true], new Rng(0));
    expect([...sample.mask]).toEqual([1, 0, 1]);
  });

  it('refuses rates outside (0, 1]', () => {
    for (const rate of [0, -0.1, 1.01, Number.NaN]) expect(() => fixedRateMaskSampler({ rate })).toThrow(InvalidArgumentError);
  });
});
