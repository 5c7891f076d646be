import { Rng } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fixture, scheduleFixtures } from './fixture-scheduler.js';

const modelNames = (count: number) => Array.from({ length: count }, (_, index) => `model-${index}`);
const pairKey = (fixture: Fixture) => [fixture.a, fixture.b].sort().join(' vs ');

function spread(counts: Iterable<number>): number {
  const values = [...counts];
  return Math.max(...values) - Math.min(...values);
}

describe('scheduleFixtures', () => {
  it('pairs distinct models, balances pairs within one and models within two at every prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 120 }), fc.integer(), (modelCount, count, seed) => {
        const models = modelNames(modelCount);
        const fixtures = scheduleFixtures({ models, count, seed });
        expect(fixtures).toHaveLength(count);
        const appearances = new Map(models.map((model) => [model, 0]));
        const pairs = new Map<string, number>();
        const pairTotal = (modelCount * (modelCount - 1)) / 2;
        fixtures.forEach((fixture, position) => {
          expect(fixture.a).not.toBe(fixture.b);
          appearances.set(fixture.a, (appearances.get(fixture.a) as number) + 1);
          appearances.set(fixture.b, (appearances.get(fixture.b) as number) + 1);
          pairs.set(pairKey(fixture), (pairs.get(pairKey(fixture)) ?? 0) + 1);
          const pairCounts = [...pairs.values(), ...Array.from({ length: pairTotal - pairs.size }, () => 0)];
          expect(spread(pairCounts), `pairs after ${position + 1}`).toBeLessThanOrEqual(1);
          expect(spread(appearances.values()), `models after ${position + 1}`).toBeLessThanOrEqual(2);
        });
        // Whole cycles of every pair leave every model exactly level.
        if (count % pairTotal === 0) expect(spread(appearances.values())).toBe(0);
      }),
      { numRuns: 80 },
    );
  });

  it('randomises sides: each model is A about half the time', () => {
    const models = modelNames(5);
    const fixtures = scheduleFixtures({ models, count: 4000, seed: 9 });
    for (const model of models) {
      const asA = fixtures.filter((fixture) => fixture.a === model).length;
      const total = fixtures.filter((fixture) => fixture.a === model || fixture.b === model).length;
      // 1,600 appearances: a fair coin stays within ±4 standard deviations (±0.05).
      expect(Math.abs(asA / total - 0.5), model).toBeLessThan(0.05);
    }
  });

  it('is random yet reproducible from its seed', () => {
    const models = modelNames(4);
    const first = scheduleFixtures({ models, count: 30, seed: 1 });
    expect(scheduleFixtures({ models, count: 30, seed: 1 })).toEqual(first);
    expect(scheduleFixtures({ models, count: 30, rng: new Rng(1) })).toEqual(first);
    expect(scheduleFixtures({ models, count: 30, seed: 2 })).not.toEqual(first);
  });

  it('spreads fixtures evenly over prompts', () => {
    const fixtures = scheduleFixtures({ models: modelNames(5), count: 103, prompts: 10, seed: 4 });
    const uses = new Map<number, number>();
    for (const fixture of fixtures) uses.set(fixture.prompt as number, (uses.get(fixture.prompt as number) ?? 0) + 1);
    expect([...uses.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, prompt) => prompt));
    expect(spread(uses.values())).toBeLessThanOrEqual(1);
    expect(scheduleFixtures({ models: modelNames(3), count: 3, seed: 4 })[0]).not.toHaveProperty('prompt');
  });

  it('rejects fewer than two distinct models and bad counts', () => {
    expect(() => scheduleFixtures({ models: ['only'], count: 3 })).toThrowError(/at least two distinct/);
    expect(() => scheduleFixtures({ models: ['a', 'a'], count: 3 })).toThrowError(/at least two distinct/);
    expect(() => scheduleFixtures({ models: ['a', 'b'], count: -1 })).toThrowError(/count/);
    expect(() => scheduleFixtures({ models: ['a', 'b'], count: 2, prompts: 0 })).toThrowError(/prompts/);
  });
});
