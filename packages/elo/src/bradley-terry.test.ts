import { readFileSync } from 'node:fs';
import { Rng } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Battle, type BattleOutcome, swapSides } from './battle.js';
import { fitBradleyTerry } from './bradley-terry.js';
import { EloDisconnectedError, EloSeparationError } from './errors.js';
import { scheduleFixtures } from './fixture-scheduler.js';
import { battleLogLikelihood } from './log-likelihood.js';
import { simulateBattles } from './simulate-battles.js';

/** Against scikit-learn's Newton solver (reference-model parametrisation, re-centred): both reach the optimum. */
const GOLDEN_ATOL = 1e-7;
/** Against its default lbfgs solver, the Arena's, which stops ~2e-4 rating points short of the optimum here. */
const LBFGS_ATOL = 1e-3;
/** The recovery target: true ratings 1000, 1200 and 1400; 5,000 battles; within ±30. */
const RECOVERY_ATOL = 30;
/** Symmetry and order invariance change only the float summation order. */
const REORDER_ATOL = 1e-8;

interface Golden {
  battles: { a: string; b: string; outcome: BattleOutcome; count: number }[];
  ratings: Record<'half' | 'win-each' | 'half-lbfgs' | 'win-each-lbfgs' | 'arena-duplicated-lbfgs', Record<string, number>>;
}
const golden = JSON.parse(readFileSync(new URL('../test/fixtures/sklearn-golden.json', import.meta.url), 'utf8')) as Golden;
const goldenBattles: Battle[] = golden.battles.flatMap(({ a, b, outcome, count }) => Array.from({ length: count }, () => ({ a, b, outcome })));

const repeat = (battle: Battle, count: number): Battle[] => Array.from({ length: count }, () => battle);
const ratingsOf = (battles: readonly Battle[], options?: Parameters<typeof fitBradleyTerry>[1]) => fitBradleyTerry(battles, options).ratings;
const gap = (ratings: ReadonlyMap<string, number>, high: string, low: string) => (ratings.get(high) as number) - (ratings.get(low) as number);

function expectRatingsClose(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number> | Record<string, number>, atol: number) {
  const expectedMap = expected instanceof Map ? expected : new Map(Object.entries(expected));
  expect([...actual.keys()].sort()).toEqual([...expectedMap.keys()].sort());
  for (const [model, rating] of expectedMap) {
    const difference = Math.abs((actual.get(model) as number) - rating);
    if (difference > atol) throw new Error(`rating of ${model}: ${actual.get(model)} vs ${rating} (|diff| ${difference} > atol ${atol})`);
  }
}

describe('fitBradleyTerry against scikit-learn (the Chatbot Arena recipe)', () => {
  it('matches LogisticRegression(fit_intercept=False, penalty=None) with ties as 0.5', () => {
    const fit = fitBradleyTerry(goldenBattles, { ties: 'half' });
    expect(fit.converged).toBe(true);
    expectRatingsClose(fit.ratings, golden.ratings.half, GOLDEN_ATOL);
  });

  it('matches it with ties as one win for each side', () => {
    expectRatingsClose(ratingsOf(goldenBattles, { ties: 'win-each' }), golden.ratings['win-each'], GOLDEN_ATOL);
  });

  it("matches the Arena's lbfgs fits, including its duplicate-every-battle tie trick, which equals 'half'", () => {
    expectRatingsClose(ratingsOf(goldenBattles, { ties: 'half' }), golden.ratings['half-lbfgs'], LBFGS_ATOL);
    expectRatingsClose(ratingsOf(goldenBattles, { ties: 'win-each' }), golden.ratings['win-each-lbfgs'], LBFGS_ATOL);
    expectRatingsClose(ratingsOf(goldenBattles, { ties: 'half' }), golden.ratings['arena-duplicated-lbfgs'], LBFGS_ATOL);
  });
});

describe('fitBradleyTerry recovers known ratings', () => {
  const truth = new Map([
    ['low', 1000],
    ['mid', 1200],
    ['high', 1400],
  ]);
  const simulate = (count: number, seed: number) => {
    const fixtures = scheduleFixtures({ models: [...truth.keys()], count, seed });
    return simulateBattles(truth, fixtures, new Rng(seed + 1000));
  };

  it('within ±30 points from 5,000 simulated battles (anchored at the true mean)', () => {
    const fit = fitBradleyTerry(simulate(5000, 1), { anchor: { mean: 1200 } });
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(15);
    expectRatingsClose(fit.ratings, truth, RECOVERY_ATOL);
  });

  it('without bias: the mean error over 20 seeds is within ±8 points (≈3.5 standard errors)', () => {
    const errors = new Map([...truth.keys()].map((model) => [model, 0]));
    for (let seed = 0; seed < 20; seed++) {
      const fit = fitBradleyTerry(simulate(5000, seed * 7 + 3), { anchor: { model: 'low', rating: 1000 } });
      for (const [model, rating] of truth) errors.set(model, (errors.get(model) as number) + ((fit.ratings.get(model) as number) - rating) / 20);
    }
    for (const [model, error] of errors) expect(Math.abs(error), model).toBeLessThan(8);
  });

  it('reports non-convergence when the iteration budget is too small', () => {
    const fit = fitBradleyTerry(simulate(600, 5), { maxIterations: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(1);
    expect(fit.maxGradient).toBeGreaterThan(1e-6);
  });

  it('puts the mean rating at 1000 by default and pins a model when anchored to it', () => {
    const battles = simulate(600, 5);
    const byMean = fitBradleyTerry(battles).ratings;
    expect([...byMean.values()].reduce((sum, value) => sum + value, 0) / 3).toBeCloseTo(1000, 9);
    const pinned = fitBradleyTerry(battles, { anchor: { model: 'mid', rating: 1234 } }).ratings;
    expect(pinned.get('mid')).toBeCloseTo(1234, 9);
    expect(gap(pinned, 'high', 'low')).toBeCloseTo(gap(byMean, 'high', 'low'), 9);
  });
});

describe('fitBradleyTerry is a maximum of the likelihood', () => {
  const battles = goldenBattles;

  for (const ties of ['half', 'win-each'] as const) {
    it(`has a zero gradient at the fit (ties: ${ties}), by central differences of the per-battle log-likelihood`, () => {
      const fit = fitBradleyTerry(battles, { ties });
      expect(fit.maxGradient).toBeLessThan(1e-9);
      expect(fit.logLikelihood).toBeCloseTo(battleLogLikelihood(battles, fit.ratings, ties), 9);
      const step = 1e-3; // rating points
      for (const model of fit.models) {
        const shifted = (delta: number) => new Map([...fit.ratings].map(([name, rating]) => [name, name === model ? rating + delta : rating]));
        const derivative = (battleLogLikelihood(battles, shifted(step), ties) - battleLogLikelihood(battles, shifted(-step), ties)) / (2 * step);
        expect(Math.abs(derivative), model).toBeLessThan(1e-7);
        // Ten points away the slope is clearly non-zero and the likelihood lower.
        const away = (battleLogLikelihood(battles, shifted(10 + step), ties) - battleLogLikelihood(battles, shifted(10 - step), ties)) / (2 * step);
        expect(Math.abs(away), model).toBeGreaterThan(1e-3);
        expect(battleLogLikelihood(battles, shifted(10), ties)).toBeLessThan(fit.logLikelihood);
      }
    });
  }
});

describe('fitBradleyTerry symmetry and invariances', () => {
  const models = ['m0', 'm1', 'm2', 'm3'];
  // Random battles plus one tie around the ring m0–m1–m2–m3–m0: the "beat or tied" graph is
  // then strongly connected, so the MLE exists for every generated case.
  const ring: Battle[] = models.map((model, position) => ({ a: model, b: models[(position + 1) % models.length] as string, outcome: 'tie' }));
  const arbitraryBattle = fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom<BattleOutcome>('a', 'b', 'tie'))
    .map(([first, offset, outcome]): Battle => ({ a: models[first] as string, b: models[(first + offset) % 4] as string, outcome }));
  const arbitraryBattles = fc.array(arbitraryBattle, { minLength: 0, maxLength: 60 }).map((battles) => [...ring, ...battles]);

  it('swapping sides and mirroring outcomes gives the same ratings', () => {
    fc.assert(
      fc.property(arbitraryBattles, fc.constantFrom('half' as const, 'win-each' as const), (battles, ties) => {
        expectRatingsClose(ratingsOf(battles.map(swapSides), { ties }), ratingsOf(battles, { ties }), REORDER_ATOL);
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on match order', () => {
    fc.assert(
      fc.property(arbitraryBattles, fc.integer(), (battles, seed) => {
        const shuffled = new Rng(seed).shuffle([...battles]);
        const fit = fitBradleyTerry(shuffled);
        expect(fit.models).toEqual(models);
        expectRatingsClose(fit.ratings, ratingsOf(battles), REORDER_ATOL);
      }),
      { numRuns: 60 },
    );
  });

  it('renaming sides only: a battle recorded as (A wins) or (B loses, sides swapped) is the same evidence', () => {
    const one: Battle[] = [...repeat({ a: 'x', b: 'y', outcome: 'a' }, 3), { a: 'x', b: 'y', outcome: 'b' }];
    const other: Battle[] = [...repeat({ a: 'y', b: 'x', outcome: 'b' }, 3), { a: 'y', b: 'x', outcome: 'a' }];
    expectRatingsClose(ratingsOf(one), ratingsOf(other), REORDER_ATOL);
  });
});

describe('fitBradleyTerry tie conventions', () => {
  // Two models: the MLE has a closed form, R_A − R_B = 400·log10(p / (1 − p)) with p A's share.
  const closedFormGap = (share: number) => 400 * Math.log10(share / (1 - share));
  const battles: Battle[] = [...repeat({ a: 'A', b: 'B', outcome: 'a' }, 7), ...repeat({ a: 'B', b: 'A', outcome: 'a' }, 3), ...repeat({ a: 'A', b: 'B', outcome: 'tie' }, 4)];

  it("'half' scores a tie as half a win: p = (7 + 4/2) / 14", () => {
    expect(gap(ratingsOf(battles, { ties: 'half' }), 'A', 'B')).toBeCloseTo(closedFormGap(9 / 14), 8);
  });

  it("'win-each' scores a tie as a win for each side: p = (7 + 4) / (10 + 2·4)", () => {
    expect(gap(ratingsOf(battles, { ties: 'win-each' }), 'A', 'B')).toBeCloseTo(closedFormGap(11 / 18), 8);
  });

  it('agree when there are no ties, and differ when there are', () => {
    const decisive = goldenBattles.filter((battle) => battle.outcome !== 'tie');
    expectRatingsClose(ratingsOf(decisive, { ties: 'win-each' }), ratingsOf(decisive, { ties: 'half' }), 1e-9);
    expect(Math.abs(gap(ratingsOf(battles, { ties: 'win-each' }), 'A', 'B') - gap(ratingsOf(battles, { ties: 'half' }), 'A', 'B'))).toBeGreaterThan(10);
  });

  it('two equal models with only ties are rated equal', () => {
    const ratings = ratingsOf(repeat({ a: 'A', b: 'B', outcome: 'tie' }, 5));
    expect(ratings.get('A')).toBeCloseTo(1000, 9);
    expect(ratings.get('B')).toBeCloseTo(1000, 9);
  });
});

describe('fitBradleyTerry when the MLE does not exist', () => {
  const allWins = repeat({ a: 'A', b: 'B', outcome: 'a' }, 10);

  it('all wins or all losses throw EloSeparationError naming the blocks, never NaN or Infinity', () => {
    expect(() => fitBradleyTerry(allWins)).toThrowError(EloSeparationError);
    try {
      fitBradleyTerry(allWins.map(swapSides));
      expect.unreachable();
    } catch (error) {
      expect(EloSeparationError.isInstance(error)).toBe(true);
      expect((error as InstanceType<typeof EloSeparationError>).details).toEqual({ blocks: [['A'], ['B']] });
      expect((error as Error).message).toContain('{A} > {B}');
    }
  });

  it('finds a separated block inside an otherwise mixed tournament', () => {
    const mixed: Battle[] = [
      { a: 'B', b: 'C', outcome: 'a' },
      { a: 'C', b: 'D', outcome: 'a' },
      { a: 'D', b: 'B', outcome: 'a' },
      { a: 'A', b: 'B', outcome: 'a' },
      { a: 'C', b: 'A', outcome: 'b' },
    ];
    expect(() => fitBradleyTerry(mixed)).toThrowError(/\{A\} > \{B, C, D\}/);
  });

  it("'pseudo-ties' gives finite ratings flagged as separated, with the documented gap", () => {
    const fit = fitBradleyTerry(allWins, { onSeparation: 'pseudo-ties' });
    expect(fit.separated).toBe(true);
    expect(fit.converged).toBe(true);
    // 10 wins plus a 0.01-battle tie: p = 10.005 / 10.01.
    expect(gap(fit.ratings, 'A', 'B')).toBeCloseTo(400 * Math.log10(10.005 / 0.005), 6);
    for (const rating of fit.ratings.values()) expect(Number.isFinite(rating)).toBe(true);
  });

  it("'pseudo-ties' leave the identified part nearly untouched", () => {
    const inner: Battle[] = [...repeat({ a: 'B', b: 'C', outcome: 'a' }, 6), ...repeat({ a: 'C', b: 'B', outcome: 'a' }, 4), ...repeat({ a: 'C', b: 'D', outcome: 'tie' }, 5), ...repeat({ a: 'D', b: 'B', outcome: 'a' }, 2)];
    const withDominant = [...inner, ...['B', 'C', 'D'].flatMap((model) => repeat({ a: 'A', b: model, outcome: 'a' }, 5))];
    const alone = fitBradleyTerry(inner).ratings;
    const separated = fitBradleyTerry(withDominant, { onSeparation: 'pseudo-ties' }).ratings;
    expect(gap(separated, 'A', 'B')).toBeGreaterThan(1000);
    expect(Math.abs(gap(separated, 'B', 'C') - gap(alone, 'B', 'C'))).toBeLessThan(1);
    expect(Math.abs(gap(separated, 'C', 'D') - gap(alone, 'C', 'D'))).toBeLessThan(1);
  });

  it('throws EloDisconnectedError when groups of models never met', () => {
    const battles: Battle[] = [
      { a: 'A', b: 'B', outcome: 'a' },
      { a: 'B', b: 'A', outcome: 'a' },
      { a: 'C', b: 'D', outcome: 'tie' },
    ];
    expect(() => fitBradleyTerry(battles, { onSeparation: 'pseudo-ties' })).toThrowError(EloDisconnectedError);
    expect(() => fitBradleyTerry(battles)).toThrowError('{A, B} | {C, D}');
    expect(() => fitBradleyTerry(battles.slice(0, 2), { models: ['A', 'B', 'E'] })).toThrowError(/never met.*\{E\}/);
  });

  it('rejects empty input and malformed battles with typed errors', () => {
    expect(() => fitBradleyTerry([])).toThrowError(/at least one battle/);
    expect(() => fitBradleyTerry([{ a: 'A', b: 'A', outcome: 'a' }])).toThrowError(/cannot battle itself/);
    expect(() => fitBradleyTerry([{ a: 'A', b: 'B', outcome: 'draw' as BattleOutcome }])).toThrowError(/'a', 'b' or 'tie'/);
    expect(() => fitBradleyTerry(allWins, { ties: 'quarter' as 'half' })).toThrowError(/ties/);
    expect(() => fitBradleyTerry(allWins, { onSeparation: 'pseudo-ties', anchor: { model: 'Z', rating: 1 } })).toThrowError(/anchor.model/);
    expect(() => fitBradleyTerry(allWins, { onSeparation: 'drop' as 'error' })).toThrowError(/onSeparation/);
    expect(() => fitBradleyTerry(allWins, { onSeparation: 'pseudo-ties', pseudoTieWeight: 0 })).toThrowError(/pseudoTieWeight/);
    expect(() => fitBradleyTerry(goldenBattles, { maxIterations: 0 })).toThrowError(/maxIterations/);
  });
});
