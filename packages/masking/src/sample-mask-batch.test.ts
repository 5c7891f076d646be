import { Rng, ShapeMismatchError } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betaMaskSampler } from './beta-mask-sampler.js';
import { NoEligiblePositionsError } from './errors.js';
import { mdlmMaskSampler } from './mdlm-mask-sampler.js';
import { flatMaskedIndices, sampleMaskBatch, stackMasks } from './sample-mask-batch.js';

const PAD = 0;
const BOS = 1;

describe('sampleMaskBatch', () => {
  it('never masks padding or special ids, masks at least one per row, and is reproducible', () => {
    const rowArbitrary = fc
      .tuple(fc.array(fc.integer({ min: 2, max: 99 }), { minLength: 1, maxLength: 40 }), fc.nat({ max: 10 }))
      .map(([content, padding]) => [BOS, ...content, ...new Array<number>(padding).fill(PAD)]);
    fc.assert(
      fc.property(fc.array(rowArbitrary, { minLength: 1, maxLength: 6 }), fc.integer(), (rows, seed) => {
        const attention = rows.map((row) => row.map((id) => (id === PAD ? 0 : 1)));
        const batch = sampleMaskBatch(betaMaskSampler(), rows, new Rng(seed), { eligible: attention, specialIds: [BOS] });
        expect(batch.masks).toHaveLength(rows.length);
        batch.masks.forEach((mask, row) => {
          const ids = rows[row] as number[];
          expect(mask).toHaveLength(ids.length);
          expect(mask.reduce((sum, bit) => sum + bit, 0)).toBeGreaterThanOrEqual(1);
          mask.forEach((bit, position) => {
            if (bit) expect([PAD, BOS]).not.toContain(ids[position]);
          });
          expect(batch.rates[row]).toBe(batch.samples[row]?.rate);
        });
        const again = sampleMaskBatch(betaMaskSampler(), rows, new Rng(seed), { eligible: attention, specialIds: [BOS] });
        expect(again.masks).toEqual(batch.masks);
      }),
      { numRuns: 200 },
    );
  });

  it('names the row that has nothing to mask', () => {
    const rows = [
      [BOS, 5, 6],
      [BOS, PAD, PAD],
    ];
    let caught: unknown;
    try {
      sampleMaskBatch(betaMaskSampler(), rows, new Rng(0), { specialIds: [BOS, PAD] });
    } catch (error) {
      caught = error;
    }
    expect(NoEligiblePositionsError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toContain('batch row 1');
  });

  it('refuses eligibility flags for a different number of rows', () => {
    expect(() => sampleMaskBatch(betaMaskSampler(), [[5, 6]], new Rng(0), { eligible: [] })).toThrow(ShapeMismatchError);
  });

  it('passes each row its batch slot, so MDLM can stratify t over the batch', () => {
    const rows = Array.from({ length: 4 }, () => [5, 6, 7, 8]);
    const { samples } = sampleMaskBatch(mdlmMaskSampler({ minT: 1e-3, stratified: true }), rows, new Rng(3));
    samples.forEach((sample, index) => {
      expect(sample.t).toBeGreaterThanOrEqual(1e-3 + (0.999 * index) / 4);
      expect(sample.t).toBeLessThan(1e-3 + (0.999 * (index + 1)) / 4 + 1e-12);
    });
  });
});

describe('stackMasks and flatMaskedIndices', () => {
  const masks = [Uint8Array.from([0, 1, 0]), Uint8Array.from([1, 0, 1])];

  it('stack rows into a row-major [batch, length] buffer', () => {
    const stacked = stackMasks(masks);
    expect(stacked.shape).toEqual([2, 3]);
    expect([...stacked.data]).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('list the flat indices of the masked positions', () => {
    expect([...flatMaskedIndices(masks)]).toEqual([1, 3, 5]);
  });

  it('refuse ragged rows', () => {
    const ragged = [Uint8Array.from([1, 0]), Uint8Array.from([1])];
    expect(() => stackMasks(ragged)).toThrow(ShapeMismatchError);
    expect(() => flatMaskedIndices(ragged)).toThrow(ShapeMismatchError);
  });
});
