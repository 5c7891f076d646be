import { InvalidArgumentError, Rng, ShapeMismatchError } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMask } from './apply-mask.js';

const MASK = 103;

describe('applyMask', () => {
  it('puts the mask token at masked positions and leaves the others untouched', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.boolean()), { maxLength: 50 }),
        (pairs) => {
          const ids = pairs.map(([id]) => id);
          const mask = pairs.map(([, masked]) => masked);
          const result = applyMask(ids, mask, MASK);
          expect(result).toEqual(pairs.map(([id, masked]) => (masked ? MASK : id)));
          expect(ids).toEqual(pairs.map(([id]) => id)); // the input is not modified
        },
      ),
    );
  });

  it('refuses a mask of the wrong length and a bad mask id', () => {
    expect(() => applyMask([1, 2], [1], MASK)).toThrow(ShapeMismatchError);
    expect(() => applyMask([1, 2], [1, 0], -1)).toThrow(InvalidArgumentError);
  });

  describe('with the 80/10/10 MLM corruption', () => {
    it('masks, randomises and keeps the selected positions in 80/10/10 proportions', () => {
      const length = 20_000;
      const ids = Array.from({ length }, (_, position) => 200 + (position % 50));
      const mask = Array.from({ length }, (_, position) => position % 2 === 0);
      const excludeIds = [0, 1, MASK];
      const result = applyMask(ids, mask, MASK, { corruption: { rng: new Rng(4), vocabSize: 1000, excludeIds } });
      let masked = 0;
      let kept = 0;
      let replaced = 0;
      result.forEach((id, position) => {
        if (!mask[position]) {
          expect(id).toBe(ids[position]);
          return;
        }
        if (id === MASK) masked++;
        else if (id === ids[position]) kept++;
        else {
          replaced++;
          expect(excludeIds).not.toContain(id);
          expect(id).toBeGreaterThanOrEqual(0);
          expect(id).toBeLessThan(1000);
        }
      });
      const selected = length / 2;
      // A random replacement equals the original with probability 1/997, so "kept" is ≈ 10.01%.
      // Standard deviations of the shares over 10,000 selected positions: 0.004 and 0.003.
      expect(Math.abs(masked / selected - 0.8)).toBeLessThan(0.02);
      expect(Math.abs(replaced / selected - 0.1)).toBeLessThan(0.015);
      expect(Math.abs(kept / selected - 0.1)).toBeLessThan(0.015);
    });

    it('is reproducible from a seed and honours custom fractions', () => {
      const ids = Array.from({ length: 64 }, (_, position) => position + 10);
      const mask = new Array<number>(64).fill(1);
      const corruption = (seed: number) => ({ rng: new Rng(seed), vocabSize: 500, randomFraction: 0, keepFraction: 1 });
      expect(applyMask(ids, mask, MASK, { corruption: corruption(1) })).toEqual(ids);
      const random = (seed: number) => applyMask(ids, mask, MASK, { corruption: { rng: new Rng(seed), vocabSize: 500 } });
      expect(random(8)).toEqual(random(8));
      expect(random(8)).not.toEqual(random(9));
    });

    it('refuses inconsistent options', () => {
      const rng = new Rng(0);
      expect(() => applyMask([1], [1], MASK, { corruption: { rng, vocabSize: 10, randomFraction: 0.6, keepFraction: 0.6 } })).toThrow(InvalidArgumentError);
      expect(() => applyMask([1], [1], MASK, { corruption: { rng, vocabSize: 0 } })).toThrow(InvalidArgumentError);
      expect(() => applyMask([1], [1], MASK, { corruption: { rng, vocabSize: 2, excludeIds: [0, 1] } })).toThrow(InvalidArgumentError);
    });
  });
});
