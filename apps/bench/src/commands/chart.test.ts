import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { chartCommand } from './chart.js';

const RESULTS = fileURLToPath(new URL('../../results/2026-11-24', import.meta.url));
const chart = (args: readonly string[]) => benchInProcess(chartCommand, ['chart', ...args]);

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-chart-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('maria-bench chart', () => {
  it('redraws each results file beside it, under the name the benchmark uses', async () => {
    const ops = path.join(scratch, 'ops.json');
    const elo = path.join(scratch, 'elo.json');
    await copyFile(path.join(RESULTS, 'ops-0541Z', 'ops.json'), ops);
    await copyFile(path.join(RESULTS, 'elo-100', 'elo.json'), elo);
    const result = await chart(['--from', ops, elo, '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      charts: [
        { from: ops, benchmark: 'ops', svg: path.join(scratch, 'ops-threads.svg') },
        { from: elo, benchmark: 'elo', svg: path.join(scratch, 'elo.svg') },
      ],
    });
    expect(await readFile(path.join(scratch, 'ops-threads.svg'), 'utf8')).toBe(await readFile(path.join(RESULTS, 'ops-0541Z', 'ops-threads.svg'), 'utf8'));
  });

  it('writes under --out when given', async () => {
    const out = path.join(scratch, 'charts');
    const result = await chart(['--from', path.join(RESULTS, 'ppl-lambada-500', 'lambada_test.json'), '--out', out]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(path.join(out, 'lambada_test.svg'));
    expect(await readFile(path.join(out, 'lambada_test.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('answers a missing file, or JSON no benchmark charts, with a one-line error and exit code 2', async () => {
    const missing = await chart(['--from', path.join(scratch, 'missing.json'), '--json']);
    expect(missing.exitCode).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: 'InvalidArgument' });
    const uncharted = await chart(['--from', path.join(RESULTS, 'pos.json')]);
    expect(uncharted.exitCode).toBe(2);
    expect(uncharted.stderr.trim().split('\n')).toHaveLength(1);
    expect(uncharted.stderr).toMatch(/--from/);
  });
});
