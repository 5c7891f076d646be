import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidArgumentError, Rng } from '@maria-ts/core';
import { anneal, pickRemaskPositions, type AnnealIteration } from './anneal.js';
import type { Resampler } from './resampler.js';
import { constantSchedule, cosineSchedule, linearSchedule, temperatureSchedules } from './temperature-schedule.js';

describe('temperature schedules', () => {
  it('linear goes from 1 at k=1 to 0 at k=K', () => {
    const schedule = linearSchedule();
    expect([1, 2, 3, 4, 5].map((k) => schedule(k, 5))).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(schedule(1, 1)).toBe(0);
  });

  it('cosine starts at 1, ends at 0 and is monotone', () => {
    const values = [1, 2, 3, 4, 5, 6].map((k) => cosineSchedule()(k, 6));
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[5]).toBeCloseTo(0, 12);
    values.slice(1).forEach((v, i) => expect(v).toBeLessThan(values[i] as number));
  });

  it('unknown schedule names list the known ones', () => {
    expect(() => temperatureSchedules.get('exp')).toThrow("unknown temperature schedule 'exp'; known: linear, cosine, greedy");
  });
});

describe('pickRemaskPositions', () => {
  it('picks 30% of the unfrozen positions, distinct and sorted, reproducibly', () => {
    const picked = pickRemaskPositions(20, 0.3, new Rng(1), new Set([0]));
    expect(picked).toHaveLength(6);
    expect(new Set(picked).size).toBe(6);
    expect(picked).not.toContain(0);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
    expect(pickRemaskPositions(20, 0.3, new Rng(1), new Set([0]))).toEqual(picked);
    expect(pickRemaskPositions(3, 0.01, new Rng(2))).toHaveLength(1);
    expect(pickRemaskPositions(3, 0, new Rng(2))).toEqual([]);
  });

  it('covers every position uniformly over many draws', () => {
    const rng = new Rng(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 5000; i++) for (const p of pickRemaskPositions(10, 0.3, rng)) counts[p]!++;
    // Each position is picked with probability 0.3: mean 1500, sd √(5000·0.3·0.7) ≈ 32.
    for (const count of counts) expect(Math.abs(count - 1500)).toBeLessThan(130);
  });

  it('rejects fractions outside [0, 1] and all-frozen sequences', () => {
    expect(() => pickRemaskPositions(5, -0.1, new Rng(0))).toThrow(/remask fraction/);
    expect(() => pickRemaskPositions(5, 1.5, new Rng(0))).toThrow(/remask fraction/);
    expect(() => pickRemaskPositions(2, 0.5, new Rng(0), new Set([0, 1]))).toThrow(/not frozen/);
  });
});

describe('anneal', () => {
  /** A fake resampler that writes the temperature-dependent token 100 + round(10·T) at the remasked positions. */
  const mark: Resampler = async ({ ids, positions, temperature }) => {
    const next = [...ids];
    for (const p of positions) next[p] = 100 + Math.round(10 * temperature);
    return next;
  };

  it('runs K iterations on the schedule, remasking 30% each time, reporting each one', async () => {
    const events: AnnealIteration[] = [];
    let clock = 0;
    const result = await anneal({
      initial: Array.from({ length: 10 }, (_, i) => i),
      resampler: mark,
      iterations: 3,
      rng: new Rng(4),
      onIteration: (event) => events.push(event),
      now: () => (clock += 5),
    });
    expect(events.map((e) => e.iteration)).toEqual([0, 1, 2, 3]);
    expect(events.map((e) => e.temperature)).toEqual([1, 1, 0.5, 0]);
    expect(events[0]!.positions).toEqual([]);
    expect(events.slice(1).every((e) => e.positions.length === 3)).toBe(true);
    expect(events.map((e) => e.elapsedMs)).toEqual([5, 10, 15, 20]);
    for (const p of events[3]!.positions) expect(result[p]).toBe(100);
    expect(events[3]!.tokens).toEqual(result);
    expect(result).toHaveLength(10);
  });

  it('hands the resampler exactly the picked positions, the temperature and its own rng', async () => {
    const rng = new Rng(9);
    const seen: { positions: readonly number[]; temperature: number; sameRng: boolean }[] = [];
    await anneal({
      initial: [1, 2, 3, 4, 5, 6, 7, 8],
      iterations: 2,
      rng,
      resampler: async (request) => {
        seen.push({ positions: request.positions, temperature: request.temperature, sameRng: request.rng === rng });
        return [...request.ids];
      },
    });
    const replay = new Rng(9);
    expect(seen).toEqual([
      { positions: pickRemaskPositions(8, 0.3, replay), temperature: 1, sameRng: true },
      { positions: pickRemaskPositions(8, 0.3, replay), temperature: 0, sameRng: true },
    ]);
  });

  it('at T=0 with 0% remask returns its input unchanged without calling the resampler', async () => {
    let calls = 0;
    const initial = [5, 9, 2, 7];
    const result = await anneal({
      initial,
      iterations: 4,
      remaskFraction: 0,
      schedule: constantSchedule(0),
      rng: new Rng(1),
      resampler: async (request) => {
        calls++;
        return [...request.ids];
      },
    });
    expect(result).toEqual(initial);
    expect(calls).toBe(0);
  });

  it('refuses a resampler that changes a position it was not asked to, or the length', async () => {
    const run = (resampler: Resampler) => anneal({ initial: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], iterations: 1, rng: new Rng(2), resampler });
    await expect(run(async ({ ids, positions }) => ids.map((id, i) => (positions.includes(i) ? id : id + 1)))).rejects.toThrow(/changes only at the remasked positions/);
    await expect(run(async ({ ids }) => ids.slice(1))).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error));
  });

  it('keeps frozen positions and stops on abort with a typed error', async () => {
    const controller = new AbortController();
    const result = await anneal({ initial: [7, 7, 7, 7], resampler: mark, iterations: 5, frozen: new Set([0]), rng: new Rng(5) });
    expect(result[0]).toBe(7);
    let calls = 0;
    const run = anneal({
      initial: [1, 2, 3],
      resampler: async (request) => {
        calls++;
        controller.abort();
        expect(request.signal).toBe(controller.signal);
        return mark(request);
      },
      iterations: 4,
      rng: new Rng(6),
      signal: controller.signal,
    });
    await expect(run).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    expect(calls).toBe(1);
  });

  it('rejects bad iteration counts, fractions and schedules', async () => {
    const base = { initial: [1, 2], resampler: mark, rng: new Rng(0) };
    await expect(anneal({ ...base, iterations: -1 })).rejects.toThrow(/iterations/);
    await expect(anneal({ ...base, iterations: 1, remaskFraction: 2 })).rejects.toThrow(/remask fraction/);
    await expect(anneal({ ...base, iterations: 1, schedule: () => Number.NaN })).rejects.toThrow(/schedule temperature/);
  });
});
