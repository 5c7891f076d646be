import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '@maria-ts/core';
import { permuteTokenizerIds } from '@maria-ts/fusion-head/testing';
import { TEST_DATA, temporaryDirectory } from '../../../../packages/trainer/test/test-data.js';
import { runTrainCommand, tinyTokenizer, writeRandomBackbones } from './head.test-support.js';

// Backbones whose folders hold their own tokenizer.json, as Hugging Face folders do: the tiny
// tokenizer with two ids exchanged, so it is not the embedded default; the corpus is tokenized
// with it too.
let scratch: string;
let backbones: { ar: string; mlm: string };
let corpus: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  scratch = await temporaryDirectory('head-tokenizer');
  const own = permuteTokenizerIds(await tinyTokenizer(), [[300, 301]]);
  backbones = await writeRandomBackbones(scratch, 5, own);
  const tokenizerFile = path.join(scratch, 'tokenizer.json');
  await writeFile(tokenizerFile, JSON.stringify(own.json));
  corpus = path.join(scratch, 'corpus');
  const built = await runTrainCommand('corpus', '--input', path.join(TEST_DATA, 'train', 'moby_dick.txt'), '--tokenizer', tokenizerFile, '--out', corpus, '--seq-len', '32', '--no-progress', '--json');
  expect(built.code).toBe(0);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('maria-train head without --tokenizer', () => {
  it("trains on the AR checkpoint's own tokenizer.json and checks the corpus against it (not the embedded tiny tokenizer)", async () => {
    const result = await runTrainCommand(
      'head', '--ar', backbones.ar, '--mlm', backbones.mlm, '--data', corpus, '--out', path.join(scratch, 'run'),
      '--steps', '1', '--batch', '1', '--warmup', '0', '--eval-every', '1', '--eval-batches', '1', '--engine', 'wasm', '--threads', '1', '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ finalStep: 1, init: 'poe' });
  });
});
