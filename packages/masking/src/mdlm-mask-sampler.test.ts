import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { mdlmMaskSampler } from './mdlm-mask-sampler.js';

describe('mdlmMaskSampler', () => {
  it('draws t ~ U(minT, 1), masks with probability t and weights by 1/t', () => {
    const minT = 0.05;
    const sampler = mdlmMaskSampler({ minT });
    const length = 200;
    const eligible = new Array<boolean>(length).fill(true);
    const rng = new Rng(17);
    const draws = 20_000;
    let sumT = 0;
    let sumSquaredT = 0;
    let sumResidual = 0;
    let violations = 0;
    for (let draw = 0; draw < draws; draw++) {
      const sample = sampler.sample(eligible, rng);
      const consistent = sample.t >= minT && sample.t < 1 && sample.rate === sample.t && Math.abs(sample.weight * sample.t - 1) < 1e-12;
      if (!consistent) violations++;
      sumT += sample.t;
      sumSquaredT += sample.t ** 2;
      sumResidual += sample.count / length - sample.t;
    }
    expect(violations).toBe(0);
    const meanT = sumT / draws;
    // U(0.05, 1): mean 0.525, variance 0.95²/12 ≈ 0.0752. Standard errors ≈ 0.0019 and 0.0005.
    expect(Math.abs(meanT - (1 + minT) / 2)).toBeLessThan(0.008);
    expect(Math.abs(sumSquaredT / draws - meanT ** 2 - (1 - minT) ** 2 / 12)).toBeLessThan(0.003);
    // Given t the masked share is Binomial(200, t)/200: the mean residual is ~0 (standard error ≈ 2e-4).
    expect(Math.abs(sumResidual / draws)).toBeLessThan(0.0015);
  });

  it('stratifies t over a batch when asked: slot i of B falls in the i-th stratum', () => {
    const minT = 1e-3;
    const sampler = mdlmMaskSampler({ minT, stratified: true });
    const rng = new Rng(5);
    const size = 8;
    for (let round = 0; round < 50; round++) {
      for (let index = 0; index < size; index++) {
        const { t } = sampler.sample([1, 1, 1], rng, { index, size });
        expect(t).toBeGreaterThanOrEqual(minT + ((1 - minT) * index) / size);
        expect(t).toBeLessThan(minT + ((1 - minT) * (index + 1)) / size + 1e-12);
      }
    }
  });

  it('refuses minT outside (0, 1)', () => {
    for (const minT of [0, 1, -1, Number.NaN]) expect(() => mdlmMaskSampler({ minT })).toThrow(InvalidArgumentError);
  });
});
