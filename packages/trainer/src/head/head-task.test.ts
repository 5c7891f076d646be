import { initEngine, Rng } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import type { MariaModel } from '@maria-ts/fusion-head';
import { createBannedIdPair, MONOREPO_TINY_TOKENIZER_DIR, type BannedIdPair } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headTrainingTask, unmaskableIds } from './head-task.js';

let pair: BannedIdPair;
let model: MariaModel;
let arOnly: number;

beforeAll(async () => {
  await initEngine({ engine: 'wasm' });
  pair = createBannedIdPair(await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR));
  ({ model, arOnly } = pair);
});

afterAll(() => pair.dispose());

describe('head training on a pair whose MLM lacks one of the AR tokens', () => {
  it('never makes a banned id a target: every masked target has an MLM token and the loss is finite', async () => {
    expect(model.vocabularyMap.banned).toEqual([arOnly]);
    expect(unmaskableIds(model)).toContain(arOnly);
    const task = headTrainingTask(model);
    // Every other token is the AR-only one, so an unrestricted Beta(2.5, 2.5) mask would hit it.
    const length = 16;
    const ids = Int32Array.from({ length: 2 * length }, (_, i) => (i % 2 === 0 ? arOnly : 100 + i));
    const rng = new Rng(7);
    for (let draw = 0; draw < 20; draw++) {
      const prepared = task.prepare!({ ids, batch: 2, length }, rng);
      const targets = Array.from(await prepared.targets.data());
      expect(targets.length).toBeGreaterThan(0);
      expect(targets).not.toContain(arOnly);
      const loss = task.loss({ ids, batch: 2, length }, rng, prepared);
      const value = (await loss.data())[0]!;
      expect(Number.isFinite(value) && value < 100).toBe(true);
      loss.dispose();
      prepared.hAR.dispose();
      prepared.hMLM.dispose();
      prepared.targets.dispose();
    }
  });
});
