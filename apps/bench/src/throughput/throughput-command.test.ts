import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import type { ThroughputReport } from '@maria-ts/benchmarks';
import { saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { throughputCommand } from './throughput-command.js';

let root: string;
let modelDir: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(os.tmpdir(), 'maria-throughput-'));
  const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 4 });
  modelDir = path.join(root, 'maria');
  await saveMariaModel(model, modelDir);
  model.dispose();
}, 120_000);

afterAll(() => rm(root, { recursive: true, force: true }));

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
