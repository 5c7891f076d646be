import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.js';

describe('percentile', () => {
  it("interpolates linearly between order statistics like NumPy's default", () => {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 97.5, 100]) = [1, 1.75, 2.5, 3.925, 4]
    const sorted = [1, 2, 3, 4];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 0.25)).toBeCloseTo(1.75, 12);
    expect(percentile(sorted, 0.5)).toBeCloseTo(2.5, 12);
    expect(percentile(sorted, 0.975)).toBeCloseTo(3.925, 12);
    expect(percentile(sorted, 1)).toBe(4);
    expect(percentile([5], 0.3)).toBe(5);
  });

  it('rejects empty input and quantiles outside [0, 1]', () => {
    expect(() => percentile([], 0.5)).toThrowError(/at least one value/);
    expect(() => percentile([1], 1.5)).toThrowError(/quantile/);
  });
});
