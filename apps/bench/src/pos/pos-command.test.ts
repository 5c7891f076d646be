import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { posCommand } from './pos-command.js';
import { benchInProcess } from '../ppl/bench-in-process.js';

let root: string;
let modelDir: string;
let train: string;
let test: string;

/** A CoNLL file of `count` short sentences from a fixed word → tag lexicon. */
function conll(count: number, offset: number): string {
  const lexicon = [['The', 'DT'], ['cat', 'NN'], ['sat', 'VBD'], ['on', 'IN'], ['mats', 'NNS'], ['quickly', 'RB'], [',', ','], ['.', '.']];
  const lines = ['-DOCSTART- -X- -X- O', ''];
  for (let s = 0; s < count; s++) {
    for (let w = 0; w < 5; w++) {
      const [word, tag] = lexicon[(s * 3 + w * 5 + offset) % lexicon.length] as [string, string];
      lines.push(`${word} ${tag} I-NP O`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(os.tmpdir(), 'bench-pos-'));
  const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 5, hiddenSize: 16, numLayers: 1 });
  modelDir = path.join(root, 'maria');
  await saveMariaModel(model, modelDir);
  model.dispose();
  train = path.join(root, 'eng.train');
  test = path.join(root, 'eng.testb');
  await writeFile(train, conll(40, 0));
  await writeFile(test, conll(12, 1));
}, 120_000);

describe('maria-bench pos', () => {
  it('reports an accuracy per representation as JSON and writes pos.json and pos.md', async () => {
    const out = path.join(root, 'out');
    const { stdout, exitCode } = await benchInProcess(posCommand, ['pos', '--train', train, '--test', test, '--model', modelDir, '--train-sentences', '30', '--test-sentences', '10', '--epochs', '4', '--batch-size', '32', '--lr', '0.05', '--out', out, '--json', '--no-progress']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as { rows: { features: string; accuracy: number; testWords: number }[]; majorityTagAccuracy: number; trainSentences: number; testSentences: number };
    expect(report.rows.map((row) => row.features)).toEqual(['mlm', 'maria']);
    expect([report.trainSentences, report.testSentences]).toEqual([30, 10]);
    for (const row of report.rows) {
      expect(row.testWords).toBe(50);
      expect(row.accuracy).toBeGreaterThan(report.majorityTagAccuracy);
    }
    expect(JSON.parse(await readFile(path.join(out, 'pos.json'), 'utf8'))).toMatchObject({ rows: report.rows });
    expect(await readFile(path.join(out, 'pos.md'), 'utf8')).toContain('| MARIA [h_AR ; h_MLM] | 32 |');
  }, 120_000);

  it('fails with one line on a missing file', async () => {
    const { stderr, exitCode } = await benchInProcess(posCommand, ['pos', '--train', path.join(root, 'missing'), '--test', test, '--model', modelDir, '--no-write']);
    expect(exitCode).toBe(2);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^error: invalid --train/);
  }, 60_000);
});
