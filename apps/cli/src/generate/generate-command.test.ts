import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMariaInProcess } from '../maria-in-process.test-support.js';

let root: string;
let modelDir: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(os.tmpdir(), 'maria-generate-cli-'));
  modelDir = path.join(root, 'maria');
  const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 4, hiddenSize: 16, numLayers: 1 });
  try {
    await saveMariaModel(model, modelDir);
  } finally {
    model.dispose();
  }
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `maria generate …` in-process. */
const run = (args: string[]) => runMariaInProcess(['generate', ...args]);

interface GenerateJson {
  text: string;
  tokens: number[];
  temperatures: number[];
  iterations: number;
  seed: number;
}

describe('maria generate', () => {
  it('--json prints the text, tokens and temperatures, reproducibly per seed, with no progress', async () => {
    const args = ['--length', '12', '--iterations', '3', '--remask', '0.3', '--seed', '5', '--model', modelDir, '--engine', 'wasm', '--json'];
    const first = await run(args);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toBe('');
    const output = JSON.parse(first.stdout) as GenerateJson;
    expect(output.tokens).toHaveLength(12);
    expect(output.temperatures).toEqual([1, 0.5, 0]);
    expect(output.iterations).toBe(3);
    const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
    expect(output.text).toBe(tokenizer.decode(output.tokens));
    const again = JSON.parse((await run(args)).stdout) as GenerateJson;
    expect(again.tokens).toEqual(output.tokens);
    const other = JSON.parse((await run([...args.slice(0, 7), '6', ...args.slice(8)])).stdout) as GenerateJson;
    expect(other.seed).toBe(6);
    expect(other.tokens).not.toEqual(output.tokens);
  });

  it('shows one progress line per iteration on stderr and the text on stdout', async () => {
    const { stdout, stderr, exitCode } = await run(['--length', '8', '--iterations', '2', '--model', modelDir, '--engine', 'wasm', '--threads', '1', '--schedule', 'cosine']);
    expect(exitCode).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^x⁰ \(AR, T=1\)/u);
    expect(lines[1]).toMatch(/^iteration 1\/2 T=1\.00/u);
    expect(lines[2]).toMatch(/^iteration 2\/2 T=0\.00/u);
    expect(stdout).toMatch(/\(8 tokens, 2 iterations, remask 0\.3, cosine schedule, seed 0, [\d.]+ s\)\n$/u);
  });

  it('refuses bad flags with one line and a non-zero exit, before loading a model', async () => {
    const missing = path.join(root, 'missing');
    for (const [args, message] of [
      [['--remask', '1.5'], /--remask/],
      [['--length', '0'], /--length/],
      [['--iterations', '-1'], /--iterations/],
      [['--schedule', 'exp'], /unknown temperature schedule 'exp'; known: linear, cosine, greedy/],
      [[], /missing/],
    ] as const) {
      const { stderr, exitCode } = await run([...args, '--model', missing, '--engine', 'wasm', '--json']);
      expect(exitCode).not.toBe(0);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    }
  });
});

describe('maria generate --length beyond what a model takes', () => {
  it('1,000,000,000 is refused with exit code 2 before any model is loaded', async () => {
    const { stderr, exitCode } = await run(['--length', '1000000000', '--model', path.join(root, 'missing'), '--engine', 'wasm']);
    expect(exitCode).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`invalid --length: "1000000000" (expected an integer in [1, 16777216])`);
  });

  it("a length past the model's max_position_embeddings is refused with exit code 2, naming the limit", async () => {
    const { stderr, stdout, exitCode } = await run(['--length', '2048', '--iterations', '0', '--model', modelDir, '--engine', 'wasm', '--json']);
    expect(exitCode).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('invalid --length: 2048 (expected an integer from 1 to 2047 (the longest sequence this model takes))');
    expect(JSON.parse(stdout)).toMatchObject({ error: 'InvalidArgument', details: { name: '--length', value: 2048 } });
  });
});
