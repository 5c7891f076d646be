import { describe, expect, it } from 'vitest';
import { splitOfDocument } from './validation-split.js';

describe('splitOfDocument', () => {
  it('is a pure function of index and seed', () => {
    const first = Array.from({ length: 200 }, (_, index) => splitOfDocument(index, 7, 0.3));
    const again = Array.from({ length: 200 }, (_, index) => splitOfDocument(index, 7, 0.3));
    const otherSeed = Array.from({ length: 200 }, (_, index) => splitOfDocument(index, 8, 0.3));
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('sends about the requested fraction to validation, and none or all at the extremes', () => {
    const count = 20_000;
    const validation = Array.from({ length: count }, (_, index) => splitOfDocument(index, 1, 0.1)).filter((split) => split === 'val').length;
    // Binomial(20000, 0.1) has standard deviation ≈ 42; allow 5 of them.
    expect(Math.abs(validation - 0.1 * count)).toBeLessThan(5 * Math.sqrt(count * 0.1 * 0.9));
    expect(Array.from({ length: 500 }, (_, index) => splitOfDocument(index, 1, 0)).every((split) => split === 'train')).toBe(true);
    expect(Array.from({ length: 500 }, (_, index) => splitOfDocument(index, 1, 1)).every((split) => split === 'val')).toBe(true);
  });
});
