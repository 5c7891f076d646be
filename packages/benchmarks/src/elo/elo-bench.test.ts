import { initEngine, type Judge, Rng } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/fusion-head';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenBenchFixtures, openBenchFixtures } from '../testing/bench-fixtures.js';
import { formatEloTable } from './format-elo.js';
import { buildMaskedPrompts, passagesOf } from './masked-prompts.js';
import { renderRatingChartSvg } from './rating-chart.js';
import { runEloBench } from './run-elo-bench.js';

let fixtures: OpenBenchFixtures;
let model: MariaModel;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  fixtures = await openBenchFixtures('bench-elo-');
  ({ model } = fixtures);
}, 120_000);

afterAll(() => fixtures.close());

const documents = [
  ' = Heading = \nThe quick brown fox jumps over the lazy dog near the river bank today.\nshort line',
  'Another paragraph about ships, whales and the sea, written in plain words for a test.\nA third one: numbers like 1,200 and names like Ishmael appear in this sentence too.',
];

describe('masked prompts', () => {
  it('cuts paragraphs with enough words, skipping headings and short lines', () => {
    expect(passagesOf(documents, 8)).toEqual([
      'The quick brown fox jumps over the lazy',
      'Another paragraph about ships, whales and the sea,',
      'A third one: numbers like 1,200 and names',
    ]);
  });

  it('masks half the words, gives each mask its true token count, and the truth decodes to the passage', () => {
    const prompts = buildMaskedPrompts(documents, fixtures.tokenizer, { count: 3, words: 10, seed: 4 });
    expect(new Set(prompts.map((prompt) => prompt.passage)).size).toBe(3);
    for (const prompt of prompts) {
      expect(prompt.maskedWords).toBe(5);
      expect(prompt.maskedText.match(/\[MASK\]/g)).toHaveLength(5);
      expect(fixtures.tokenizer.decode([...prompt.truth])).toBe(prompt.passage);
      const unmasked = prompt.ids.filter((_, i) => !prompt.masked.includes(i));
      expect(unmasked).toEqual(prompt.truth.filter((_, i) => !prompt.masked.includes(i)));
      for (const position of prompt.masked) expect(prompt.ids[position]).toBe(fixtures.tokenizer.specialTokens.mask);
    }
    expect(buildMaskedPrompts(documents, fixtures.tokenizer, { count: 3, words: 10, seed: 4 })).toEqual(prompts);
    expect(buildMaskedPrompts(documents, fixtures.tokenizer, { count: 3, words: 10, seed: 5 })).not.toEqual(prompts);
  });

  it('refuses more prompts than the data has', () => {
    expect(() => buildMaskedPrompts(documents, fixtures.tokenizer, { count: 4, words: 10 })).toThrow(/at most 3/);
  });
});

/** A judge that prefers the ground truth and otherwise scores by a seeded hash of the text. */
function truthLovingJudge(truths: ReadonlySet<string>): Judge {
  return {
    name: 'fake:truth-loving',
    score: async (texts) => texts.map((text) => (truths.has(text) ? 10 : new Rng([...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)).uniform())),
  };
}

describe('runEloBench', () => {
  it('fills with every system, judges each text once, and rates from balanced battles', async () => {
    const prompts = buildMaskedPrompts(documents, fixtures.tokenizer, { count: 3, words: 8, seed: 1, maskTokenId: model.maskTokenId });
    const truths = new Set(prompts.map((prompt) => fixtures.tokenizer.decode([...prompt.truth])));
    let judged = 0;
    const judge = truthLovingJudge(truths);
    const counting: Judge = { name: judge.name, score: async (texts) => ((judged += texts.length), judge.score(texts)) };
    const result = await runEloBench({ model, judge: counting, prompts, seed: 2, rounds: 50, sampling: { temperature: 1 } });
    expect(judged).toBe(5 * 3);
    expect(result.battles).toHaveLength(10 * 3);
    expect(result.rows.map((row) => row.model).sort()).toEqual(['ar-only', 'diffusion', 'ground-truth', 'maria', 'mlm-ar-decode']);
    expect(result.rows[0]?.model).toBe('ground-truth');
    expect(result.rows[0]?.losses).toBe(0);
    expect(result.separated).toBe(true);
    for (const row of result.rows) {
      expect(row.lower).toBeLessThanOrEqual(row.rating + 1e-9);
      expect(row.upper).toBeGreaterThanOrEqual(row.rating - 1e-9);
      expect(Number.isFinite(row.rating)).toBe(true);
      expect(row.wins + row.losses + row.ties).toBe(result.battles.filter((b) => b.a === row.model || b.b === row.model).length);
    }
    expect(result.diffusionEncoder).toBe('mlm');
    for (const system of ['maria', 'mlm-ar-decode', 'diffusion', 'ar-only']) {
      expect(result.texts[system]).toHaveLength(3);
      expect(result.texts[system]).not.toEqual(result.texts['ground-truth']);
      expect(result.scores[system]).toHaveLength(3);
    }
    const table = formatEloTable(result);
    expect(table.split('\n')[0]).toContain('95% CI (50 bootstrap rounds)');
    expect(table).toContain('| ground-truth |');
    const svg = await renderRatingChartSvg({ title: 'test', intervals: result.rows, confidence: 0.95 });
    expect(svg).toMatch(/^<svg/);
    for (const system of ['maria', 'ground-truth', 'ar-only']) expect(svg).toContain(system);
  }, 120_000);

  it('gives every system the same fills per seed, independent of which other systems run', async () => {
    const prompts = buildMaskedPrompts(documents, fixtures.tokenizer, { count: 2, words: 8, seed: 3, maskTokenId: model.maskTokenId });
    const judge = truthLovingJudge(new Set());
    const all = await runEloBench({ model, judge, prompts, seed: 9, rounds: 10, systems: ['maria', 'ar-only', 'ground-truth'] });
    const two = await runEloBench({ model, judge, prompts, seed: 9, rounds: 10, systems: ['ar-only', 'maria'] });
    expect(two.texts.maria).toEqual(all.texts.maria);
    expect(two.texts['ar-only']).toEqual(all.texts['ar-only']);
    await expect(runEloBench({ model, judge, prompts, systems: ['maria', 'gpt'] })).rejects.toThrow(/--systems/);
  }, 120_000);
});
