import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { fixedCountMaskSampler } from './fixed-count-mask-sampler.js';

describe('fixedCountMaskSampler', () => {
  it('chooses the masked subset uniformly among the eligible positions', () => {
    const eligible = [1, 1, 0, 1, 1, 1, 0, 1]; // 6 eligible
    const sampler = fixedCountMaskSampler({ rate: 0.5 }); // 3 of 6
    const hits = new Float64Array(eligible.length);
    const draws = 6_000;
    const rng = new Rng(21);
    for (let draw = 0; draw < draws; draw++) {
      const sample = sampler.sample(eligible, rng);
      expect(sample.count).toBe(3);
      expect(sample.rate).toBe(0.5);
      sample.mask.forEach((bit, position) => (hits[position] = (hits[position] as number) + bit));
    }
    // Each eligible position is masked with probability 1/2 (share standard deviation ≈ 0.0065).
    hits.forEach((count, position) => {
      if (eligible[position]) expect(Math.abs(count / draws - 0.5)).toBeLessThan(0.03);
      else expect(count).toBe(0);
    });
  });

  it('masks an absolute count and refuses more than there are eligible positions', () => {
    const sampler = fixedCountMaskSampler({ count: 2 });
    expect(sampler.sample([1, 1, 1, 1], new Rng(0)).count).toBe(2);
    expect(() => sampler.sample([1, 0, 0], new Rng(0))).toThrow(/at most the 1 eligible positions/);
  });

  it('refuses bad options', () => {
    expect(() => fixedCountMaskSampler({ count: 0 })).toThrow(InvalidArgumentError);
    expect(() => fixedCountMaskSampler({ count: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => fixedCountMaskSampler({ rate: 0 })).toThrow(InvalidArgumentError);
    expect(() => fixedCountMaskSampler({ rate: 2 })).toThrow(InvalidArgumentError);
  });
});
