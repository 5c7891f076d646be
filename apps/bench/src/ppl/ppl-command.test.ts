import { access, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { loadMariaModel, saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { pplCommand } from './ppl-command.js';
import { benchInProcess } from './bench-in-process.js';
import { runPplBench } from '@maria-ts/benchmarks';

let root: string;
let withDiffusion: string;
let withoutDiffusion: string;
let data: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(os.tmpdir(), 'bench-ppl-'));
  const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  for (const [name, diffusion] of [['with', true], ['without', false]] as const) {
    const model = createRandomMariaModel({ tokenizer, seed: 2, hiddenSize: 16, numLayers: 1, withDiffusion: diffusion });
    await saveMariaModel(model, path.join(root, name));
    model.dispose();
  }
  withDiffusion = path.join(root, 'with');
  withoutDiffusion = path.join(root, 'without');
  data = path.join(root, 'docs.txt');
  await writeFile(data, ['The cat sat on the mat and looked at the dog.', 'A second document, with a comma; and more words than that.', 'Third line of text for the tiny benchmark run here.'].join('\n'));
}, 120_000);

describe('maria-bench ppl', () => {
  it('prints the §6 rows as JSON and writes JSON, CSV, Markdown and the chart', async () => {
    const out = path.join(root, 'out');
    const { stdout, exitCode } = await benchInProcess(pplCommand, ['ppl', '--data', data, '--format', 'lines', '--rates', '0.3,0.8', '--n', '2', '--window', '8', '--k', '2', '--seed', '3', '--model', withDiffusion, '--out', out, '--json', '--no-progress']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as { rows: { method: string; rate: number; ppl: number; tokens: number; k?: number }[]; config: { examples: number } };
    expect(report.config.examples).toBe(2);
    expect(report.rows.map((row) => `${row.method}@${row.rate}`)).toEqual(['maria@0.3', 'ar@0.3', 'mlm@0.3', 'diffusion@0.3', 'maria@0.8', 'ar@0.8', 'mlm@0.8', 'diffusion@0.8']);
    for (const row of report.rows) {
      expect(row.ppl).toBeGreaterThan(1);
      expect(row.tokens).toBe(row.rate === 0.3 ? 2 * Math.ceil(0.3 * 8) : 2 * Math.ceil(0.8 * 8));
    }
    expect(report.rows.find((row) => row.method === 'diffusion')?.k).toBe(2);
    expect(JSON.parse(await readFile(path.join(out, 'docs.json'), 'utf8'))).toMatchObject({ rows: report.rows });
    expect((await readFile(path.join(out, 'docs.csv'), 'utf8')).split('\n')).toHaveLength(10);
    expect(await readFile(path.join(out, 'docs.md'), 'utf8')).toMatch(/^\| method \| 30% \| 80% \|/);
    expect(await readFile(path.join(out, 'docs.svg'), 'utf8')).toMatch(/^<svg/);
  }, 120_000);

  it('prints the Markdown table, and leaves diffusion out with a note when the model has none', async () => {
    const { stdout, stderr, exitCode } = await benchInProcess(pplCommand, ['ppl', '--data', data, '--format', 'lines', '--rates', '0.5', '--n', '1', '--window', '8', '--model', withoutDiffusion, '--no-write', '--no-progress']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('| MARIA (exact) |');
    expect(stdout).not.toContain('diffusion (NELBO');
    expect(stderr).toContain('no diffusion encoder');
  }, 60_000);

  it('--resume reuses the cells a killed run saved, scores the rest identically, and refuses a different configuration', async () => {
    const args = ['--data', data, '--format', 'lines', '--rates', '0.3,0.8', '--n', '2', '--window', '8', '--k', '2', '--seed', '3', '--model', withDiffusion, '--json', '--no-progress'];
    const full = await benchInProcess(pplCommand, ['ppl', ...args, '--out', path.join(root, 'full')]);
    type Row = { method: string; rate: number; ppl: number };
    const fullRows = (JSON.parse(full.stdout) as { rows: Row[] }).rows;
    // A run killed after its fourth cell: each cell is on disk as soon as it is scored.
    const out = path.join(root, 'killed');
    const model = await loadMariaModel(withDiffusion);
    const killAt = 'diffusion@0.3';
    const progress = { start: () => {}, advance: () => {}, stage: (line: string) => { if (line.startsWith(killAt)) throw new Error('killed'); } };
    await expect(runPplBench(model, { data, format: 'lines', rates: [0.3, 0.8], n: 2, seed: 3, window: 8, k: 2, maxBatchTokens: 2048, detokenize: true, out, modelName: withDiffusion, progress })).rejects.toThrow('killed');
    model.dispose();
    const partialFile = path.join(out, 'docs.partial.json');
    const partial = JSON.parse(await readFile(partialFile, 'utf8')) as { key: Record<string, unknown>; rows: Row[] };
    expect(partial.rows.map((row) => `${row.method}@${row.rate}`)).toEqual(['maria@0.3', 'ar@0.3', 'mlm@0.3', 'diffusion@0.3']);
    // Mark two saved cells, to see which the resumed run takes as they are: after a head change,
    // the AR-only cell still holds and is kept; MARIA's reads the head, so it is scored again.
    const saved = { ...partial, parts: { ...(partial as unknown as { parts: Record<string, unknown> }).parts, head: 'another head' } };
    saved.rows[0] = { ...saved.rows[0]!, ppl: 12345 };
    saved.rows[1] = { ...saved.rows[1]!, ppl: 777 };
    await writeFile(partialFile, JSON.stringify(saved));
    const resumed = await benchInProcess(pplCommand, ['ppl', ...args, '--out', out, '--resume']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain('dropped 1 saved cell(s)');
    expect(resumed.stderr).toContain('resuming: 3 cell(s)');
    const rows = (JSON.parse(resumed.stdout) as { rows: Row[] }).rows;
    expect(rows.map((row) => `${row.method}@${row.rate}`)).toEqual(fullRows.map((row) => `${row.method}@${row.rate}`));
    expect(rows[1]!.ppl).toBe(777);
    for (const [index, row] of rows.entries()) if (index !== 1) expect(row.ppl).toBe(fullRows[index]!.ppl);
    await expect(access(partialFile)).rejects.toThrow();
    // Another configuration's partial results are refused, naming what differs.
    await writeFile(partialFile, JSON.stringify({ ...partial, key: { ...partial.key, seed: 4 } }));
    const mismatch = await benchInProcess(pplCommand, ['ppl', ...args, '--out', out, '--resume']);
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.stderr).toMatch(/invalid --resume.*differs in: seed/);
    const noOut = await benchInProcess(pplCommand, ['ppl', ...args, '--no-write', '--resume']);
    expect(noOut.exitCode).toBe(2);
    expect(noOut.stderr).toContain('invalid --resume');
  }, 120_000);

  it('--fraction-gate scores MARIA with the head\'s gate and records it; a resumed run does not take a plain run\'s MARIA cells', async () => {
    const gated = path.join(root, 'gated');
    await cp(withoutDiffusion, gated, { recursive: true });
    const gate = { offset: -3, slope: 1, arOffset: 0.7, arSlope: -0.5 };
    await writeFile(path.join(gated, 'head', 'fraction-gate.json'), JSON.stringify({ format: 'maria-fraction-gate', ...gate }));
    type Report = { rows: { method: string; ppl: number }[]; config: { fractionGate?: unknown } };
    const args = ['ppl', '--data', data, '--format', 'lines', '--rates', '0.5', '--n', '2', '--window', '8', '--model', gated, '--methods', 'maria,ar', '--json', '--no-progress'];
    const plain = JSON.parse((await benchInProcess(pplCommand, [...args, '--no-write'])).stdout) as Report;
    const withGate = await benchInProcess(pplCommand, [...args, '--no-write', '--fraction-gate']);
    expect(withGate.exitCode).toBe(0);
    const gatedReport = JSON.parse(withGate.stdout) as Report;
    expect(plain.config.fractionGate).toBeUndefined();
    expect(gatedReport.config.fractionGate).toEqual({ ...gate, arOffset: expect.closeTo(0.7, 6) }); // stored as float32
    const ppl = (report: Report, method: string) => report.rows.find((row) => row.method === method)!.ppl;
    expect(ppl(gatedReport, 'maria')).not.toBeCloseTo(ppl(plain, 'maria'), 3);
    expect(ppl(gatedReport, 'ar')).toBe(ppl(plain, 'ar'));
    // A plain run killed after both cells were saved, resumed with the gate: MARIA's cell is scored again.
    const out = path.join(root, 'gated-out');
    const model = await loadMariaModel(gated);
    const progress = { start: () => {}, advance: () => {}, stage: (line: string) => { if (line.startsWith('ar@')) throw new Error('killed'); } };
    await expect(runPplBench(model, { data, format: 'lines', rates: [0.5], methods: ['maria', 'ar'], n: 2, seed: 0, window: 8, k: 8, maxBatchTokens: 2048, detokenize: true, out, modelName: gated, progress })).rejects.toThrow('killed');
    model.dispose();
    const resumed = await benchInProcess(pplCommand, [...args, '--out', out, '--resume', '--fraction-gate']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain('dropped 1 saved cell(s)');
    expect(ppl(JSON.parse(resumed.stdout) as Report, 'maria')).toBe(ppl(gatedReport, 'maria'));
    const refused = await benchInProcess(pplCommand, [...args.map((arg) => (arg === gated ? withoutDiffusion : arg)), '--no-write', '--fraction-gate']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/no fraction-gate\.json/);
  }, 120_000);

  it('fails with one line and a non-zero exit on bad input', async () => {
    const missingDiffusion = await benchInProcess(pplCommand, ['ppl', '--data', data, '--format', 'lines', '--methods', 'maria,diffusion', '--n', '1', '--window', '8', '--model', withoutDiffusion, '--no-write', '--json']);
    expect(missingDiffusion.exitCode).toBe(1);
    expect(missingDiffusion.stderr.trim().split('\n').at(-1)).toMatch(/^error: the model has no diffusion encoder/);
    expect(JSON.parse(missingDiffusion.stdout)).toMatchObject({ error: 'MissingComponent' });
    const missing = await benchInProcess(pplCommand, ['ppl', '--data', path.join(root, 'nope.txt'), '--format', 'lines', '--no-write']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('invalid --data');
    const badFormat = await benchInProcess(pplCommand, ['ppl', '--data', data, '--format', 'csv', '--no-write']);
    expect(badFormat.exitCode).toBe(2);
    expect(badFormat.stderr).toContain('invalid --format');
    const badMethod = await benchInProcess(pplCommand, ['ppl', '--data', data, '--format', 'lines', '--methods', 'maria,gpt', '--no-write']);
    expect(badMethod.exitCode).toBe(2);
    const badRate = await benchInProcess(pplCommand, ['ppl', '--data', data, '--format', 'lines', '--rates', '0,0.5', '--no-write']);
    expect(badRate.stderr).toContain('invalid --rates');
  }, 60_000);
});
