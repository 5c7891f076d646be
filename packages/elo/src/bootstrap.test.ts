import { Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import type { Battle } from './battle.js';
import { bootstrapRatings } from './bootstrap.js';
import { EloSeparationError } from './errors.js';
import { scheduleFixtures } from './fixture-scheduler.js';
import { simulateBattles } from './simulate-battles.js';

const truth = new Map([
  ['low', 1000],
  ['mid', 1100],
  ['high', 1250],
  ['top', 1300],
]);
const simulate = (count: number, seed: number) =>
  simulateBattles(truth, scheduleFixtures({ models: [...truth.keys()], count, seed }), new Rng(seed + 1));
const widths = (result: ReturnType<typeof bootstrapRatings>) => new Map(result.intervals.map((row) => [row.model, row.upper - row.lower]));

describe('bootstrapRatings', () => {
  const small = simulate(400, 1);
  const large = simulate(4000, 2);
  const smallResult = bootstrapRatings(small, { rounds: 200, seed: 3 });
  const largeResult = bootstrapRatings(large, { rounds: 200, seed: 3 });

  it('gives each model an interval around its point estimate and median, best first', () => {
    expect(smallResult.rounds).toBe(200);
    expect(smallResult.intervals.map((row) => row.model)).toEqual(['top', 'high', 'mid', 'low']);
    for (const row of [...smallResult.intervals, ...largeResult.intervals]) {
      expect(row.lower, row.model).toBeLessThan(row.rating);
      expect(row.rating, row.model).toBeLessThan(row.upper);
      expect(row.lower).toBeLessThan(row.median);
      expect(row.median).toBeLessThan(row.upper);
      // The bootstrap median sits near the MLE (well inside its own interval's half-width).
      expect(Math.abs(row.median - row.rating)).toBeLessThan((row.upper - row.lower) / 4);
    }
    expect(smallResult.fit.ratings.get('top')).toBe(smallResult.intervals[0]?.rating);
  });

  it('narrows with more data, roughly as 1/sqrt(battles)', () => {
    const narrow = widths(largeResult);
    for (const [model, width] of widths(smallResult)) {
      const ratio = width / (narrow.get(model) as number);
      // 10× the battles: expect about sqrt(10) ≈ 3.2 narrower.
      expect(ratio, model).toBeGreaterThan(2.2);
      expect(ratio, model).toBeLessThan(4.5);
    }
  });

  it('covers the true ratings at 95% for most models and seeds', () => {
    let covered = 0;
    let total = 0;
    for (let seed = 10; seed < 20; seed++) {
      const result = bootstrapRatings(simulate(800, seed), { rounds: 100, seed, anchor: { model: 'low', rating: 1000 } });
      for (const row of result.intervals) {
        if (row.model === 'low') continue; // pinned, so its interval is a point
        total++;
        if (row.lower <= (truth.get(row.model) as number) && (truth.get(row.model) as number) <= row.upper) covered++;
      }
    }
    // 30 intervals at nominal 95%: fewer than 24 covered would be very unlikely (p < 0.001).
    expect(total).toBe(30);
    expect(covered).toBeGreaterThanOrEqual(24);
  });

  it('is reproducible from its seed and changes with it', () => {
    const again = bootstrapRatings(small, { rounds: 200, seed: 3 });
    expect(again.intervals).toEqual(smallResult.intervals);
    const other = bootstrapRatings(small, { rounds: 200, seed: 4 });
    expect(other.intervals).not.toEqual(smallResult.intervals);
    const fromRng = bootstrapRatings(small, { rounds: 200, rng: new Rng(3) });
    expect(fromRng.intervals).toEqual(smallResult.intervals);
  });

  it('narrows as the confidence level drops', () => {
    const ninety = bootstrapRatings(small, { rounds: 200, seed: 3, confidence: 0.8 });
    const wide = widths(smallResult);
    for (const [model, width] of widths(ninety)) expect(width, model).toBeLessThan(wide.get(model) as number);
  });

  it('counts separated resamples of a nearly unbeaten model, and can refuse them', () => {
    // 'strong' lost once in 15 games: resamples that miss that loss are separated.
    const battles: Battle[] = [
      ...Array.from({ length: 14 }, (_, k): Battle => ({ a: 'strong', b: k % 2 ? 'x' : 'y', outcome: 'a' })),
      { a: 'x', b: 'strong', outcome: 'a' },
      ...Array.from({ length: 20 }, (_, k): Battle => ({ a: 'x', b: 'y', outcome: k % 3 ? 'a' : 'b' })),
    ];
    const result = bootstrapRatings(battles, { rounds: 100, seed: 1 });
    expect(result.separatedRounds).toBeGreaterThan(5);
    expect(result.separatedRounds).toBeLessThan(100);
    const strong = result.intervals.find((row) => row.model === 'strong');
    expect(Number.isFinite(strong?.upper)).toBe(true);
    expect(() => bootstrapRatings(battles, { rounds: 100, seed: 1, resampleSeparation: 'error' })).toThrowError(EloSeparationError);
  });

  it('drops resamples that lose the only link to a model, and says how many', () => {
    const battles: Battle[] = [
      ...Array.from({ length: 30 }, (_, k): Battle => ({ a: 'x', b: 'y', outcome: k % 2 ? 'a' : 'tie' })),
      { a: 'x', b: 'rare', outcome: 'tie' },
    ];
    const result = bootstrapRatings(battles, { rounds: 100, seed: 2 });
    expect(result.disconnectedRounds).toBeGreaterThan(10);
    expect(result.rounds + result.disconnectedRounds).toBe(100);
  });

  it('validates its options', () => {
    expect(() => bootstrapRatings(small, { rounds: 1 })).toThrowError(/rounds/);
    expect(() => bootstrapRatings(small, { confidence: 1 })).toThrowError(/confidence/);
    expect(() => bootstrapRatings([], {})).toThrowError(/at least one battle/);
  });
});
