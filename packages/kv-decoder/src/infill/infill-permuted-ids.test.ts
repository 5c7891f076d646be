import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { buildProductOfExpertsHead, MariaModel } from '@maria-ts/fusion-head';
import { addTokenizerToken, createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR, permuteTokenizerIds } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infill } from './infill.js';
import { naiveMariaGreedy, REQUESTS } from './infill.test-support.js';

let model: MariaModel;
let leftovers: (() => void)[];
beforeAll(async () => {
  await initEngine(testEngineOptions());
  const tiny = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  // The head's tokenizer has one token the MLM's lacks (banned); the MLM's holds the rest at permuted ids.
  const shared = addTokenizerToken(tiny, '<|ar-only|>');
  const mlmTokenizer = permuteTokenizerIds(tiny, [[40, 900], [310, 72], [15, 2048]]);
  const arSide = createRandomMariaModel({ tokenizer: shared, seed: 21, hiddenSize: 16, numLayers: 1 });
  const mlmSide = createRandomMariaModel({ tokenizer: mlmTokenizer, seed: 22, hiddenSize: 16, numLayers: 1 });
  const head = buildProductOfExpertsHead(arSide.ar, mlmSide.mlm, shared, { mlm: mlmTokenizer });
  model = new MariaModel({ ar: arSide.ar, mlm: mlmSide.mlm, head, tokenizer: shared, mlmTokenizer });
  leftovers = [() => arSide.mlm.dispose(), () => arSide.head.dispose(), () => mlmSide.ar.dispose(), () => mlmSide.head.dispose()];
});
afterAll(() => {
  model.dispose();
  for (const dispose of leftovers) dispose();
});

describe('infill on a pair whose MLM holds the same tokens at permuted ids', () => {
  it('never fills an id the MLM lacks (MARIA and the MLM baseline), even from a head whose bias prefers it above everything', async () => {
    const banned = model.vocabularyMap.banned;
    expect(banned).toEqual([model.vocabSize - 1]);
    const { bias } = model.head.variables();
    const original = bias.clone();
    try {
      bias.assign(tf.tidy(() => tf.add(original, tf.scatterND([[banned[0] as number]], [1e4], [model.vocabSize]))));
      for (const request of REQUESTS) {
        for (const temperature of [0, 1]) {
          for (const method of ['maria', 'mlm'] as const) {
            const result = await infill(model, request, { method, temperature, seed: 5 });
            for (const position of request.masked) expect(banned).not.toContain(result.ids[position]);
          }
        }
      }
    } finally {
      bias.assign(original);
      original.dispose();
    }
  });

  it('greedy fills equal the naive full-forward reference (the MLM reading translated ids)', async () => {
    for (const request of REQUESTS) {
      const result = await infill(model, request, { temperature: 0 });
      expect(result.ids).toEqual(naiveMariaGreedy(model, request));
    }
  });
});
