import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose, testDataPath } from '@maria-ts/core/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMariaInProcess as run } from '../maria-in-process.test-support.js';

const FIXTURES = process.env.MARIA_FIXTURES_DIR ?? testDataPath('fixtures');
const GOLDEN = { atol: 1e-4, rtol: 1e-4 };

interface GoldenCase {
  readonly input_ids: number[];
  readonly hidden: number[][];
  readonly logits: number[][];
}

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('maria forward', () => {
  const dir = join(FIXTURES, 'tiny-llama');
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { cases: GoldenCase[] };
  const testCase = golden.cases[0] as GoldenCase;

  it('prints {"hidden", "logits"} matching the golden with --json', async () => {
    const { stdout, exitCode } = await run(['forward', '--model', dir, '--ids', testCase.input_ids.join(','), '--json', '--engine', 'wasm']);
    expect(exitCode).toBe(0);
    const output = JSON.parse(stdout) as { hidden: number[][]; logits: number[][] };
    expect(Object.keys(output)).toEqual(['hidden', 'logits']);
    expectTensorClose(output.hidden, testCase.hidden, GOLDEN);
    expectTensorClose(output.logits, testCase.logits, GOLDEN);
  });

  it.each(['tiny-gpt-neox', 'tiny-modernbert-decoder'])('%s: --json matches the golden written by transformers', async (name) => {
    const fixture = join(FIXTURES, name);
    const first = (JSON.parse(readFileSync(join(fixture, 'golden.json'), 'utf8')) as { cases: GoldenCase[] }).cases[0] as GoldenCase;
    const { stdout, exitCode } = await run(['forward', '--model', fixture, '--ids', first.input_ids.join(','), '--json', '--engine', 'wasm']);
    expect(exitCode).toBe(0);
    const output = JSON.parse(stdout) as { hidden: number[][]; logits: number[][] };
    expectTensorClose(output.hidden, first.hidden, GOLDEN);
    expectTensorClose(output.logits, first.logits, GOLDEN);
  });

  it('prints shapes and a few values for a person without --json', async () => {
    const { stdout } = await run(['forward', '--model', dir, '--ids', '1,2,3']);
    expect(stdout).toMatch(/^model {3}llama: 2 layers, hidden 32, vocab 384/);
    expect(stdout).toContain('hidden  [3, 32]');
    expect(stdout).toContain('logits  [3, 384]');
  });

  it.each([
    [['--model', join(FIXTURES, 'no-such-model'), '--ids', '1,2'], 1, /neither an existing local directory/],
    [['--model', dir, '--ids', '1,two'], 2, /invalid --ids: "1,two"/],
    [['--model', dir, '--ids', '5,384'], 2, /invalid token id at \[0, 1\]: 384 \(expected an integer in \[0, 384\)\)/],
    [['--model', dir, '--ids', '1,2', '--threads', 'many'], 2, /invalid threads: "many" \(expected a positive integer or 'auto'\)/],
  ])('refuses bad input %j with one line on stderr and exit code %i', async (args, code, message) => {
    const { stdout, stderr, exitCode } = await run(['forward', ...args]);
    expect(exitCode).toBe(code);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
