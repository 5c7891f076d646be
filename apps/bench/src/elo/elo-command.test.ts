import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { eloCommand } from './elo-command.js';
import { type BenchFixtures, createBenchFixtures } from '@maria-ts/benchmarks/testing';

/** Runs `maria-bench …` in-process with only this command registered. */
const bench = (args: readonly string[]) => benchInProcess(eloCommand, args);

let fixtures: BenchFixtures;
let data: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  fixtures = await createBenchFixtures('bench-elo-cli-');
  data = path.join(fixtures.root, 'docs.txt');
  await writeFile(
    data,
    [
      'The old ship left the harbour at dawn with twelve sailors and a cargo of salt.',
      'Rain fell on the quiet town while the baker opened his shop for the first customers.',
      'In the spring the river rose over its banks and the farmers moved their cattle uphill.',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await rm(fixtures.root, { recursive: true, force: true });
});


interface EloJson {
  judge: string;
  battles: number;
  rows: { model: string; rating: number; lower: number; upper: number; fillSeconds: number }[];
}

describe('maria-bench elo', () => {
  const base = () => ['elo', '--model', fixtures.modelDir, '--data', data, '--format', 'lines', '--prompts', '3', '--words', '10', '--rounds', '20', '--engine', 'wasm'];

  it('rates the five systems with the offline likelihood judge and writes elo.json and elo.svg', async () => {
    const out = path.join(fixtures.root, 'elo-out');
    const { stdout, exitCode } = await bench([...base(), '--judge', fixtures.judgeDir, '--out', out, '--json']);
    expect(exitCode).toBe(0);
    const printed = JSON.parse(stdout) as EloJson;
    expect(printed.judge).toBe('likelihood:judge');
    expect(printed.battles).toBe(30);
    expect(printed.rows.map((row) => row.model).sort()).toEqual(['ar-only', 'diffusion', 'ground-truth', 'maria', 'mlm-ar-decode']);
    const written = JSON.parse(await readFile(path.join(out, 'elo.json'), 'utf8')) as EloJson & { prompts: { maskedText: string; fills: Record<string, { text: string; score: number }> }[] };
    expect(written.rows).toEqual(printed.rows);
    expect(written.prompts).toHaveLength(3);
    expect(written.prompts[0]?.maskedText).toContain('[MASK]');
    expect(Object.keys(written.prompts[0]?.fills ?? {})).toHaveLength(5);
    expect(await readFile(path.join(out, 'elo.svg'), 'utf8')).toMatch(/^<svg/);
    const again = JSON.parse((await bench([...base(), '--judge', fixtures.judgeDir, '--out', out, '--json'])).stdout) as EloJson;
    const withoutTimes = (rows: EloJson['rows']) => rows.map(({ fillSeconds, ...rest }) => (expect(fillSeconds).toBeGreaterThanOrEqual(0), rest));
    expect(withoutTimes(again.rows)).toEqual(withoutTimes(printed.rows));
  }, 120_000);

  it('prints the table with intervals in human mode', async () => {
    const { stdout, exitCode } = await bench([...base(), '--judge', fixtures.judgeDir, '--systems', 'maria,ar-only,ground-truth', '--out', path.join(fixtures.root, 'elo-human')]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^\| system \| ELO \| 95% CI \(20 bootstrap rounds\) \|/);
    expect(stdout).toMatch(/\| maria \| -?\d+ \| \[-?\d+, -?\d+\] \|/);
    expect(stdout).toContain('judge: likelihood:judge');
  }, 120_000);

  it('judges over HTTP with an OpenAI-compatible endpoint', async () => {
    let requests = 0;
    const server: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests++;
        const text = (JSON.parse(body) as { messages: { content: string }[] }).messages.map((m) => m.content).join(' ');
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ choices: [{ message: { content: `Score: ${1 + (text.length % 9)}` } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const { stdout, exitCode } = await bench([...base(), '--systems', 'maria,ground-truth', '--judge-url', url, '--judge-model', 'mock', '--requests-per-minute', '100000', '--out', path.join(fixtures.root, 'elo-http'), '--json']);
      expect(exitCode).toBe(0);
      expect((JSON.parse(stdout) as EloJson).judge).toBe('http:mock');
      expect(requests).toBe(2 * 3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it("refuses no judge, two judges, and the model's own AR backbone, with one line", async () => {
    const none = await bench([...base(), '--json']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr.trim().split('\n').at(-1)).toMatch(/^error: .*--judge/);
    const both = await bench([...base(), '--judge', fixtures.judgeDir, '--judge-url', 'http://127.0.0.1:9/v1']);
    expect(both.exitCode).toBe(2);
    const own = await bench([...base(), '--judge', path.join(fixtures.modelDir, 'ar')]);
    expect(own.exitCode).toBe(1);
    expect(own.stderr.trim().split('\n').at(-1)).toMatch(/is the model's own AR backbone/);
  }, 60_000);
});
