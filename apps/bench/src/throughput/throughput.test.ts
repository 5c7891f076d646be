import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { type MariaModel, saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { runThroughputBenchmark, throughputRatios, throughputRequest, type ThroughputRow } from './throughput-benchmark.js';
import { throughputCommand, type ThroughputReport } from './throughput-command.js';

let root: string;
let modelDir: string;
let model: MariaModel;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(os.tmpdir(), 'maria-throughput-'));
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 4 });
  modelDir = path.join(root, 'maria');
  await saveMariaModel(model, modelDir);
}, 120_000);

afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('throughput benchmark', () => {
  it('masks exactly round(rate · length) distinct positions of a sequence without special tokens', () => {
    const special = new Set(Object.values(model.tokenizer.specialTokens));
    for (const [length, rate, expected] of [[64, 0.5, 32], [7, 0.5, 4], [10, 0.01, 1], [5, 1, 5]] as const) {
      const request = throughputRequest(model, length, rate, 1);
      expect(request.ids).toHaveLength(length);
      expect(new Set(request.masked).size).toBe(expected);
      expect(request.masked.every((i) => i >= 0 && i < length)).toBe(true);
      expect(request.ids.some((id) => special.has(id))).toBe(false);
    }
    expect(throughputRequest(model, 32, 0.5, 1)).toEqual(throughputRequest(model, 32, 0.5, 1));
  });

  it('reports masked tokens over the median of the timed runs, after the warm-up runs', async () => {
    const ticks = [0, 1000, 1000, 3000, 3000, 3500]; // timed runs of 1 s, 2 s and 0.5 s → median 1 s
    let calls = 0;
    const measured: string[] = [];
    const rows = await runThroughputBenchmark(model, {
      lengths: [10],
      maskRate: 0.5,
      methods: ['maria'],
      runs: 3,
      warmup: 2,
      diffusionSteps: 256,
      now: () => ticks[calls++] as number,
      onMeasure: (method, length) => measured.push(`${method}@${length}`),
    });
    expect(calls).toBe(6);
    expect(measured).toEqual(['maria@10']);
    expect(rows).toEqual([{ method: 'maria', length: 10, tokensPerSecond: 5, seconds: 1, maskedTokens: 5, decoderCalls: 5, runs: 3 }]);
  });

  it('computes MARIA over each baseline per length', () => {
    const row = (method: ThroughputRow['method'], length: number, tokensPerSecond: number) => ({ method, length, tokensPerSecond, seconds: 1, maskedTokens: 1, decoderCalls: 1, runs: 1 });
    expect(throughputRatios([row('maria', 64, 100), row('mlm', 64, 4), row('diffusion', 64, 50), row('maria', 128, 90), row('mlm', 128, 3)])).toEqual([
      { length: 64, baseline: 'mlm', mariaOverBaseline: 25 },
      { length: 64, baseline: 'diffusion', mariaOverBaseline: 2 },
      { length: 128, baseline: 'mlm', mariaOverBaseline: 30 },
    ]);
  });
});

/** Runs `maria-bench throughput …` in-process. */
const run = (args: readonly string[]) => benchInProcess(throughputCommand, ['throughput', ...args]);

describe('maria-bench throughput', () => {
  it('prints {"rows": [{method, length, tokensPerSecond}]} and writes throughput.json and an SVG chart', async () => {
    const out = path.join(root, 'out');
    const { stdout, exitCode } = await run(['--lengths', '8,16', '--methods', 'maria,mlm,diffusion', '--runs', '1', '--warmup', '0', '--diffusion-steps', '4', '--model', modelDir, '--out', out, '--json', '--engine', 'wasm', '--temperature', '0']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as ThroughputReport;
    expect(report.rows.map((row) => [row.method, row.length, row.maskedTokens, row.decoderCalls])).toEqual([
      ['maria', 8, 4, 4], ['mlm', 8, 4, 4], ['diffusion', 8, 4, 4],
      ['maria', 16, 8, 8], ['mlm', 16, 8, 8], ['diffusion', 16, 8, 4],
    ]);
    for (const row of report.rows) expect(row.tokensPerSecond).toBeGreaterThan(0);
    expect(report.rows.filter((row) => row.method === 'diffusion').every((row) => row.encoder === 'mlm')).toBe(true);
    expect(report.ratios).toHaveLength(4);
    expect(report.settings.temperature).toBe(0);
    expect(JSON.parse(await readFile(path.join(out, 'throughput.json'), 'utf8'))).toEqual(report);
    const svg = await readFile(path.join(out, 'throughput.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/u);
    expect(svg).toContain('infill throughput (filled tokens/s)');
  }, 120_000);

  it.each([
    [['--methods', 'maria,beam'], /^error: invalid --methods/u, 2],
    [['--mask-rate', '0'], /^error: invalid --mask-rate/u, 2],
    [['--lengths', '64,x'], /^error: invalid --lengths/u, 2],
    [['--temperature', '-1'], /^error: invalid --temperature/u, 2],
    [['--engines', 'wasm:0'], /^error: invalid --configs/u, 2],
    [['--engines', 'all', '--threads', '2'], /^error: invalid --engines/u, 2],
  ])('rejects %j with one line', async (args, message, code) => {
    const { stderr, exitCode } = await run([...args, '--model', modelDir, '--out', path.join(root, 'unused')]);
    expect(exitCode).toBe(code);
    expect(stderr.trim()).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
