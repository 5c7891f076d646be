import { ShapeMismatchError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { eligiblePositions, positionsOf, specialIdsOf } from './eligibility.js';

describe('eligiblePositions', () => {
  it('excludes special ids and positions whose flag is off', () => {
    const ids = [50256, 11, 12, 0, 13, 0];
    const attention = [1, 1, 1, 1, 1, 0];
    expect([...eligiblePositions(ids, { eligible: attention, specialIds: [50256, 0] })]).toEqual([0, 1, 1, 0, 1, 0]);
    expect([...eligiblePositions(ids)]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...eligiblePositions(ids, { eligible: [true, false, true, true, false, true] })]).toEqual([1, 0, 1, 1, 0, 1]);
  });

  it('refuses flags of another length', () => {
    expect(() => eligiblePositions([1, 2, 3], { eligible: [1, 1] })).toThrow(ShapeMismatchError);
  });

  it('collects the declared special ids once each', () => {
    expect(specialIdsOf({ bos: 50256, eos: 50256, pad: 7 }).sort((a, b) => a - b)).toEqual([7, 50256]);
    expect(specialIdsOf({})).toEqual([]);
  });

  it('lists the truthy positions', () => {
    expect(positionsOf([0, 1, 1, 0, true, false])).toEqual([1, 2, 4]);
  });
});
