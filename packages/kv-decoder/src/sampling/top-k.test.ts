import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kthLargest, topKCandidates } from './top-k.js';

describe('kthLargest', () => {
  it('agrees with sorting, duplicates included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.nat(), (values, pick) => {
        const k = (pick % values.length) + 1;
        const sorted = [...values].sort((a, b) => b - a);
        expect(kthLargest(Float64Array.from(values), k)).toBe(sorted[k - 1]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('topKCandidates', () => {
  it('keeps the k largest logits as ascending ids, ties at the cut to the lowest ids', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 45 }), (logits, k) => {
        const candidates = Int32Array.from(logits, (_, id) => id);
        const kept = [...topKCandidates(logits, candidates, k)];
        const expected = [...candidates].sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b).slice(0, k).sort((a, b) => a - b);
        expect(kept).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
