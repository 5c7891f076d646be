import { InvalidArgumentError } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax } from './argmax.js';

describe('argmax', () => {
  it('returns the largest logit, the lowest id among ties', () => {
    expect(argmax(Float32Array.of(0, 3, 1, 3))).toBe(1);
    expect(argmax([-Infinity, -5, -Infinity])).toBe(1);
    expect(argmax([7])).toBe(0);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 30 }), (values) => {
        const best = argmax(values);
        expect(values[best]).toBe(Math.max(...values));
        expect(values.indexOf(Math.max(...values))).toBe(best);
      }),
    );
  });

  it('refuses rows with no answer', () => {
    for (const bad of [[], [Number.NaN, 1], [1, Infinity], [-Infinity, -Infinity]]) expect(() => argmax(bad)).toThrow(InvalidArgumentError);
    expect(() => argmax([0, Number.NaN])).toThrow(/NaN at id 1/);
  });
});
