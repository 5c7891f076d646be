import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '@maria-ts/core';
import { FractionGate, saveFractionGate } from '@maria-ts/fusion-head';
import { buildCorpus } from '@maria-ts/trainer';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { headLossCommand } from './head-loss-command.js';
import { initCurvesCommand } from './init-curves-command.js';
import { type BenchFixtures, createBenchFixtures } from '@maria-ts/benchmarks/testing';
import type { HeadLossReport, InitCurvesReport } from '@maria-ts/benchmarks';
import { testDataPath } from '@maria-ts/core/testing';

const TEST_DATA = testDataPath();
let fixtures: BenchFixtures;
let corpus: string;
const quiet = ['--engine', 'wasm', '--threads', '1', '--no-progress', '--json'];

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  fixtures = await createBenchFixtures('maria-head-bench-');
  // Brown read one short document per line, so the 20% validation split gets many of them.
  const text = (await readFile(path.join(TEST_DATA, 'train', 'brown_corpus_plain.txt'), 'utf8')).slice(0, 24000);
  const input = path.join(fixtures.root, 'brown.txt');
  await writeFile(input, text.slice(0, text.lastIndexOf('\n') + 1));
  corpus = path.join(fixtures.root, 'corpus');
  await buildCorpus({ inputs: [input], out: corpus, tokenizer: path.join(fixtures.modelDir, 'tokenizer.json'), sequenceLength: 16, sequencesPerShard: 64, validationFraction: 0.2, seed: 1, format: 'lines' });
});
afterAll(() => rm(fixtures.root, { recursive: true, force: true }));

describe('maria-bench head-loss', () => {
  it('scores MARIA, AR alone and MLM alone on the same masked tokens; a PoE head is at most the experts\' mean (convexity)', async () => {
    const out = path.join(fixtures.root, 'head-loss');
    const result = await benchInProcess(headLossCommand, ['head-loss', '--model', fixtures.modelDir, '--data', corpus, '--rate', '0.5', '--batches', '3', '--batch', '4', '--out', out, ...quiet]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as HeadLossReport;
    expect(report.rows.map((row) => row.method)).toEqual(['maria', 'ar', 'mlm']);
    expect(report.settings).toMatchObject({ rate: 0.5, batches: 3, batchSize: 4, sequenceLength: 16 });
    const [maria, ar, mlm] = report.rows as [HeadLossReport['rows'][0], HeadLossReport['rows'][0], HeadLossReport['rows'][0]];
    // 12 sequences, ceil(0.5·n) of each one's n non-special positions (n ≤ 16).
    expect(maria.tokens).toBeGreaterThanOrEqual(12 * 6);
    expect(maria.tokens).toBeLessThanOrEqual(12 * 8);
    // CE((a+b)/2) ≤ (CE(a)+CE(b))/2 token by token, since log-sum-exp is convex.
    expect(maria.loss).toBeLessThanOrEqual((ar.loss + mlm.loss) / 2 + 1e-4);
    expect(Math.abs(maria.loss - ar.loss)).toBeGreaterThan(1e-3);
    expect(JSON.parse(await readFile(path.join(out, 'head-loss.json'), 'utf8'))).toEqual(report);
  });

  it('--fraction-gate adds the gated head\'s row: equal to MARIA at a closed gate, different at another', async () => {
    const headDir = path.join(fixtures.root, 'gate-head');
    const run = async (values: { offset: number; slope: number }) => {
      const gate = new FractionGate(values);
      await mkdir(headDir, { recursive: true });
      await saveFractionGate(gate, headDir);
      gate.dispose();
      const result = await benchInProcess(headLossCommand, ['head-loss', '--model', fixtures.modelDir, '--data', corpus, '--rate', '0.5', '--batches', '1', '--batch', '4', '--fraction-gate', headDir, '--out', path.join(fixtures.root, 'gated'), ...quiet]);
      expect(result.stderr).toBe('');
      const rows = (JSON.parse(result.stdout) as HeadLossReport).rows;
      expect(rows.map((row) => row.method)).toEqual(['maria', 'ar', 'mlm', 'maria-gated']);
      return { maria: rows[0]!.loss, gated: rows[3]!.loss };
    };
    const closed = await run({ offset: 0, slope: 0 });
    expect(closed.gated).toBe(closed.maria);
    const open = await run({ offset: -8, slope: 0 });
    expect(Math.abs(open.gated - open.maria)).toBeGreaterThan(1e-3);
    const missing = await benchInProcess(headLossCommand, ['head-loss', '--model', fixtures.modelDir, '--data', corpus, '--fraction-gate', fixtures.root, ...quiet]);
    expect(missing.exitCode).toBe(2);
  });

  it('refuses a rate outside (0, 1] in one line', async () => {
    const result = await benchInProcess(headLossCommand, ['head-loss', '--model', fixtures.modelDir, '--data', corpus, '--rate', '1.5', ...quiet]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: 'InvalidArgument' });
  });
});

describe('maria-bench init-curves', () => {
  it('trains PoE and random heads on the same schedule and writes both validation curves as JSON and SVG', async () => {
    const out = path.join(fixtures.root, 'init-curves');
    const result = await benchInProcess(initCurvesCommand, ['init-curves', '--model', fixtures.modelDir, '--data', corpus, '--steps', '6', '--batch', '4', '--lr', '3e-2', '--warmup', '1', '--eval-every', '3', '--eval-batches', '2', '--out', out, ...quiet]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as InitCurvesReport;
    expect(report.runs.map((run) => run.init)).toEqual(['poe', 'random']);
    for (const run of report.runs) {
      expect(run.curve.map((point) => point.step)).toEqual([0, 3, 6]);
      expect(run.trainLoss).toHaveLength(6);
      expect(run.finalValidationLoss!).toBeLessThan(run.initialValidationLoss!);
    }
    // Different inits start from different losses on the same validation masks.
    expect(report.runs[0]!.initialValidationLoss).not.toBe(report.runs[1]!.initialValidationLoss);
    const svg = await readFile(path.join(out, 'init-curves.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('product-of-experts init');
    expect(svg).toContain('random init');
    expect(JSON.parse(await readFile(path.join(out, 'init-curves.json'), 'utf8'))).toEqual(report);
  });
});
