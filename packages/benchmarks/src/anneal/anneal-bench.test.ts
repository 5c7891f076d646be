import { initEngine } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/fusion-head';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArJudgeModel } from '../judge-model/ar-judge-model.js';
import { type OpenBenchFixtures, openBenchFixtures } from '../testing/bench-fixtures.js';
import { formatAnnealTable } from './anneal-report.js';
import { runAnnealBench } from './run-anneal-bench.js';
import { meanTokenEntropy } from './token-entropy.js';

let fixtures: OpenBenchFixtures;
let model: MariaModel;
let judge: ArJudgeModel;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  fixtures = await openBenchFixtures('bench-anneal-');
  ({ model, judge } = fixtures);
}, 120_000);

afterAll(() => fixtures.close());

describe('meanTokenEntropy', () => {
  it('is 0 bits for a repeated token, log2(n) for n distinct ones, averaged over samples', () => {
    expect(meanTokenEntropy([[7, 7, 7, 7]])).toBe(0);
    expect(meanTokenEntropy([[1, 2, 3, 4]])).toBe(2);
    expect(meanTokenEntropy([[7, 7, 7, 7], [1, 2, 3, 4], [5, 5, 6, 6]])).toBeCloseTo(1, 12);
  });
});

describe('runAnnealBench', () => {
  it('times MARIA at each K and diffusion at each step count, and scores the curve of the largest K', async () => {
    const result = await runAnnealBench({ model, judge, samples: 2, length: 8, iterations: [0, 3], diffusionSteps: [2, 8], seed: 1, warmup: 0 });
    expect(result.points.map((p) => `${p.method}:${p.setting}`)).toEqual(['maria-anneal:0', 'maria-anneal:3', 'diffusion:2', 'diffusion:8']);
    for (const point of result.points) {
      expect(point.genPpl).toBeGreaterThan(1);
      expect(Number.isFinite(point.genPpl)).toBe(true);
      expect(point.seconds).toBeGreaterThan(0);
      expect(point.judgeTokens).toBeGreaterThan(0);
      expect(point.entropy).toBeGreaterThan(0);
      expect(point.entropy).toBeLessThanOrEqual(3 + 1e-12); // 8 tokens: at most log2(8) bits
    }
    expect(result.trajectory.iterations).toBe(3);
    expect(result.trajectory.points.map((p) => p.iteration)).toEqual([0, 1, 2, 3]);
    expect(result.trajectory.points.map((p) => p.temperature)).toEqual([1, 1, 0.5, 0]);
    const seconds = result.trajectory.points.map((p) => p.seconds);
    seconds.slice(1).forEach((s, i) => expect(s).toBeGreaterThanOrEqual(seconds[i] as number));
    // Sample i of every K starts from the same x⁰: K = 0 is exactly iteration 0 of the K = 3 curve.
    expect(result.trajectory.points[0]?.genPpl).toBeCloseTo(result.points[0]?.genPpl as number, 8);
    expect(result.trajectory.points[3]?.genPpl).toBeCloseTo(result.points[1]?.genPpl as number, 8);
    expect(result.diffusionEncoder).toBe('mlm');
    expect(result.examples['maria K=3']).toHaveLength(2);
    const table = formatAnnealTable(result);
    expect(table).toContain('| diffusion | 8 steps |');
    expect(table).toMatch(/annealing curve \(K=3\): gen PPL [\d.]+ at iteration 0/);
  }, 120_000);

  it('is reproducible per seed, and warm-up runs do not change the samples', async () => {
    const options = { model, judge, samples: 1, length: 6, iterations: [2], diffusionSteps: [3], seed: 4, warmup: 1 };
    const first = await runAnnealBench(options);
    const again = await runAnnealBench({ ...options, warmup: 0 });
    expect(again.points.map((p) => p.genPpl)).toEqual(first.points.map((p) => p.genPpl));
    expect(again.examples).toEqual(first.examples);
  }, 60_000);
});
