import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { type BenchFixtures, createBenchFixtures } from '@maria-ts/benchmarks/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { annealCommand } from './anneal-command.js';

/** Runs `maria-bench …` in-process with only this command registered. */
const bench = (args: readonly string[]) => benchInProcess(annealCommand, args);

let fixtures: BenchFixtures;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  fixtures = await createBenchFixtures('bench-anneal-cli-');
}, 120_000);

afterAll(() => rm(fixtures.root, { recursive: true, force: true }));

describe('maria-bench anneal', () => {
  it('writes anneal.json and the chart, and prints the points as JSON', async () => {
    const out = path.join(fixtures.root, 'anneal-out');
    const args = ['anneal', '--model', fixtures.modelDir, '--judge', fixtures.judgeDir, '--samples', '1', '--length', '6', '--iterations', '0,2', '--diffusion-steps', '3'];
    const { stdout, exitCode } = await bench([...args, '--out', out, '--engine', 'wasm', '--json']);
    expect(exitCode).toBe(0);
    const printed = JSON.parse(stdout) as { points: { method: string; setting: number; genPpl: number }[]; trajectory: { points: unknown[] } };
    expect(printed.points).toHaveLength(3);
    expect(printed.trajectory.points).toHaveLength(3);
    const written = JSON.parse(await readFile(path.join(out, 'anneal.json'), 'utf8')) as { judge: { dir: string }; settings: { length: number }; points: unknown[] };
    expect(written.judge.dir).toBe(path.resolve(fixtures.judgeDir));
    expect(written.settings.length).toBe(6);
    expect(written.points).toEqual(printed.points);
    const svg = await readFile(path.join(out, 'anneal.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    for (const legend of ['MARIA anneal, K=0,2', 'diffusion (MLM), 3 steps', 'MARIA K=2, per iteration']) expect(svg).toContain(legend);
    const human = await bench([...args, '--out', out, '--engine', 'wasm']);
    expect(human.stdout).toContain('| maria-anneal | K=2 |');
    expect(human.stdout).toContain('no MDLM encoder');
  }, 120_000);

  it("refuses the model's own AR backbone as judge, and a missing judge, with one line", async () => {
    const own = await bench(['anneal', '--model', fixtures.modelDir, '--judge', path.join(fixtures.modelDir, 'ar'), '--samples', '1', '--length', '4', '--engine', 'wasm', '--json']);
    expect(own.exitCode).not.toBe(0);
    expect(own.stderr.trim().split('\n').at(-1)).toMatch(/^error: the judge at .* is the model's own AR backbone/);
    expect(JSON.parse(own.stdout)).toMatchObject({ error: 'JudgeIsBackbone' });
    const missing = await bench(['anneal', '--model', fixtures.modelDir, '--engine', 'wasm']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim().split('\n').at(-1)).toMatch(/^error: missing --judge \(expected an AR checkpoint directory/);
  }, 60_000);
});
