import * as tf from '@tensorflow/tfjs';
import { TokenizerMismatchError, initEngine } from '@maria-ts/core';
import { HuggingFaceTokenizer, loadTokenizer } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProductOfExpertsHead } from './build-head.js';
import type { MariaModel } from './maria-model.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';
import { assertTokenizersPair } from './tokenizer-compatibility.js';
import { testDataPath, testEngineOptions } from '@maria-ts/core/testing';

let tokenizer: HuggingFaceTokenizer;
let model: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  model = createRandomMariaModel({ tokenizer, seed: 2, hiddenSize: 8, numLayers: 1 });
});
afterAll(() => model.dispose());

/** The tiny tokenizer with two merges swapped: same vocabulary and size, different segmentation. */
function swappedMerges(): HuggingFaceTokenizer {
  const json = structuredClone(tokenizer.json);
  const merges = json.model.merges as unknown[];
  [merges[10], merges[11]] = [merges[11], merges[10]];
  return new HuggingFaceTokenizer(json);
}

describe('tokenizer checks before PoE init', () => {
  it('builds the head when both backbones carry the shared tokenizer', () => {
    const head = buildProductOfExpertsHead(model.ar, model.mlm, tokenizer, { ar: tokenizer, mlm: tokenizer });
    expect([head.vocabSize, head.init]).toEqual([8192, 'product-of-experts']);
    head.dispose();
  });

  it('refuses tokenizers of equal size whose merges differ (a size check would pass them)', () => {
    const other = swappedMerges();
    expect(other.vocabSize).toBe(tokenizer.vocabSize);
    const before = tf.memory().numTensors;
    expect(() => buildProductOfExpertsHead(model.ar, model.mlm, tokenizer, { ar: tokenizer, mlm: other })).toThrow(TokenizerMismatchError);
    expect(() => assertTokenizersPair(tokenizer, other, 'AR', 'MLM')).toThrow(/tokenizers differ between AR and MLM: merges differ at rank 10: /);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses tokenizers of different sizes, and a tokenizer larger than a backbone\'s vocab projection', async () => {
    const gpt2 = await loadTokenizer(testDataPath('tokenizers', 'gpt2'));
    expect(() => assertTokenizersPair(gpt2, tokenizer, 'AR', 'MLM')).toThrow(/base vocabularies differ at id 8189: "code" vs "<\|endoftext\|>"/);
    expect(() => buildProductOfExpertsHead(model.ar, model.mlm, gpt2)).toThrow(/fewer rows than the tokenizer's 50257 ids/);
  });
});
