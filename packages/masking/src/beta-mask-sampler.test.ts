import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { betaMaskSampler } from './beta-mask-sampler.js';

/** CDF of Beta(2.5, 2.5) by trapezoidal integration of its density on a fine grid. */
function beta25Cdf(): (x: number) => number {
  const steps = 20_000;
  const normaliser = (0.5625 * Math.PI) / 24; // B(2.5, 2.5) = Γ(2.5)² / Γ(5)
  const density = (x: number) => Math.pow(x, 1.5) * Math.pow(1 - x, 1.5) / normaliser;
  const cdf = new Float64Array(steps + 1);
  for (let i = 1; i <= steps; i++) cdf[i] = (cdf[i - 1] as number) + (density((i - 1) / steps) + density(i / steps)) / (2 * steps);
  return (x) => {
    const scaled = Math.min(Math.max(x, 0), 1) * steps;
    const low = Math.floor(scaled);
    if (low >= steps) return cdf[steps] as number;
    return (cdf[low] as number) + ((cdf[low + 1] as number) - (cdf[low] as number)) * (scaled - low);
  };
}

describe('betaMaskSampler (MARIA training masks)', () => {
  const draws = 100_000;
  const length = 64;
  const sampler = betaMaskSampler();
  const eligible = new Array<boolean>(length).fill(true);
  const rates = new Float64Array(draws);
  const fractions = new Float64Array(draws);
  beforeAll(() => {
    const rng = new Rng(2024);
    for (let draw = 0; draw < draws; draw++) {
      const sample = sampler.sample(eligible, rng);
      rates[draw] = sample.rate;
      fractions[draw] = sample.count / length;
    }
  });
  const mean = (values: Float64Array) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = (values: Float64Array) => {
    const centre = mean(values);
    return values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1);
  };

  // Standard errors over 1e5 draws: mean ≈ 6.5e-4, variance ≈ 1.5e-4; tolerances are ~4.5σ.
  const MEAN_TOLERANCE = 0.003;
  const VARIANCE_TOLERANCE = 0.0007;

  it('draws rates with the moments of Beta(2.5, 2.5): mean 1/2, variance 1/24', () => {
    expect(Math.abs(mean(rates) - 0.5)).toBeLessThan(MEAN_TOLERANCE);
    expect(Math.abs(variance(rates) - 1 / 24)).toBeLessThan(VARIANCE_TOLERANCE);
  });

  it('draws rates distributed as Beta(2.5, 2.5) (Kolmogorov–Smirnov at α = 0.001)', () => {
    const cdf = beta25Cdf();
    const sorted = Float64Array.from(rates).sort();
    let statistic = 0;
    sorted.forEach((value, index) => {
      const expected = cdf(value);
      statistic = Math.max(statistic, Math.abs((index + 1) / draws - expected), Math.abs(index / draws - expected));
    });
    expect(statistic).toBeLessThan(1.95 / Math.sqrt(draws));
  });

  it('masks a fraction with mean 1/2 and variance 1/24 + E[r(1−r)]/n', () => {
    expect(Math.abs(mean(fractions) - 0.5)).toBeLessThan(MEAN_TOLERANCE);
    // Law of total variance: Var(r) + E[r(1−r)]/n, with E[r(1−r)] = 1/2 − (1/24 + 1/4) = 5/24.
    expect(Math.abs(variance(fractions) - (1 / 24 + 5 / 24 / length))).toBeLessThan(VARIANCE_TOLERANCE);
  });

  it('refuses non-positive shape parameters', () => {
    expect(() => betaMaskSampler({ alpha: 0 })).toThrow(InvalidArgumentError);
    expect(() => betaMaskSampler({ beta: Number.NaN })).toThrow(InvalidArgumentError);
  });
});
