import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { type HuggingFaceTokenizer, loadTokenizer } from '@maria-ts/backbones';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProductOfExpertsHead } from './build-head.js';
import { BANNED_LOGIT } from './linear-fusion-head.js';
import { loadMariaModel, saveMariaModel } from './maria-directory.js';
import { MariaModel } from './maria-model.js';
import { addTokenizerToken, createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR, permuteTokenizerIds } from './testing/index.js';

const SWAPS: readonly (readonly [number, number])[] = [[40, 900], [310, 72], [15, 2048]];
let shared: HuggingFaceTokenizer;
let mlmTokenizer: HuggingFaceTokenizer;
let model: MariaModel;
let leftovers: MariaModel[];
let dir: string;

beforeAll(async () => {
  await initEngine(testEngineOptions());
  const tiny = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  // The head's (AR's) tokenizer: the tiny one plus a token the MLM lacks (banned); the MLM's: the tiny one with some ids exchanged.
  shared = addTokenizerToken(tiny, '<|ar-only|>');
  mlmTokenizer = permuteTokenizerIds(tiny, SWAPS);
  const arSide = createRandomMariaModel({ tokenizer: shared, seed: 11, hiddenSize: 16, numLayers: 1 });
  const mlmSide = createRandomMariaModel({ tokenizer: mlmTokenizer, seed: 12, hiddenSize: 8, numLayers: 1 });
  const head = buildProductOfExpertsHead(arSide.ar, mlmSide.mlm, shared, { mlm: mlmTokenizer });
  model = new MariaModel({ ar: arSide.ar, mlm: mlmSide.mlm, head, tokenizer: shared, mlmTokenizer });
  leftovers = [arSide, mlmSide];
  dir = await mkdtemp(path.join(tmpdir(), 'maria-permuted-'));
});
afterAll(async () => {
  model.dispose();
  for (const side of leftovers) {
    side.head.dispose();
    (side === leftovers[0] ? side.mlm : side.ar).dispose();
  }
  await rm(dir, { recursive: true, force: true });
});

const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };
const masked = new Set([2, 5]);

/** Head logits [length, vocab] at every position of `clean`, masked at `masked`. */
function headLogits(of: MariaModel, clean: number[]): tf.Tensor2D {
  return tf.tidy(() => {
    const maskedIds = clean.map((id, i) => (masked.has(i) ? of.maskTokenId : id));
    const states = of.alignedStates(tf.tensor2d([clean], undefined, 'int32'), tf.tensor2d([maskedIds], undefined, 'int32'));
    return of.logitsAt(states, clean.map((_, i) => i));
  });
}

describe('a MARIA model whose MLM holds the same tokens at permuted ids', () => {
  it('maps and bans from the two tokenizers', () => {
    expect(model.vocabularyMap.identity).toBe(false);
    expect(model.vocabularyMap.banned).toEqual([shared.vocabSize - 1]);
    expect(model.vocabularyMap.toOther[40]).toBe(900);
  });

  it('at init, head logits are (AR logits + MLM logits of the translated input, gathered through the map)/2 on allowed ids', () => {
    const arOnly = shared.vocabSize - 1;
    const clean = [40, 310, 72, 900, arOnly, 15, 2048, 7];
    const actual = headLogits(model, clean);
    const expected = tf.tidy(() => {
      const arInput = [model.ar.bosTokenId, ...clean.slice(0, -1)];
      const arLogits = (model.ar.forward(tf.tensor2d([arInput], undefined, 'int32'), { returnLogits: true }).logits as tf.Tensor3D).reshape([clean.length, -1]);
      // The MLM reads its own ids: the same token strings, the mask kept, the AR-only token as [MASK].
      const mlmInput = clean.map((id, i) => (masked.has(i) || id === arOnly ? model.maskTokenId : (mlmTokenizer.tokenToId(shared.idToToken(id) as string) as number)));
      const mlmLogits = (model.mlm.forward(tf.tensor2d([mlmInput], undefined, 'int32'), { returnLogits: true }).logits as tf.Tensor3D).reshape([clean.length, -1]);
      const gatherRows = Int32Array.from({ length: arOnly }, (_, id) => mlmTokenizer.tokenToId(shared.idToToken(id) as string) as number);
      return tf.mul(tf.add(arLogits.slice([0, 0], [clean.length, arOnly]), tf.gather(mlmLogits, tf.tensor1d(gatherRows, 'int32'), 1)), 0.5);
    });
    expectTensorClose(actual.slice([0, 0], [clean.length, shared.vocabSize - 1]), expected, FLOAT32);
    tf.dispose([actual, expected]);
  });

  it('never gives a banned id probability: softmax over the allowed ids sums to 1', () => {
    const logits = headLogits(model, [40, 310, 72, 900, 15, 2048]);
    const banned = shared.vocabSize - 1;
    const column = Array.from(logits.slice([0, banned], [-1, 1]).dataSync());
    expect(column.every((value) => value <= BANNED_LOGIT / 2)).toBe(true);
    const probabilities = tf.softmax(logits);
    expect(Array.from(probabilities.slice([0, banned], [-1, 1]).dataSync())).toEqual(column.map(() => 0));
    const sums = Array.from(probabilities.sum(1).dataSync());
    for (const sum of sums) expect(sum).toBeCloseTo(1, 5);
    const argmax = Array.from(logits.argMax(1).dataSync());
    expect(argmax).not.toContain(banned);
    tf.dispose([logits, probabilities]);
  });

  it("gives the MLM baselines the MLM's own logits over the head's ids: gathered through the map, banned ids at BANNED_LOGIT", () => {
    const banned = shared.vocabSize - 1;
    const [actual, own] = tf.tidy(() => {
      const hidden = tf.randomNormal([3, model.mlm.info.hiddenSize], 0, 1, 'float32', 9) as tf.Tensor2D;
      return [model.mlmVocabLogits(hidden), model.mlm.project(hidden) as tf.Tensor2D];
    });
    const [values, ownValues] = [actual.arraySync(), own.arraySync()];
    expect(actual.shape).toEqual([3, shared.vocabSize]);
    for (let row = 0; row < 3; row++) {
      for (const id of [40, 900, 310, 72, 15, 2048, 7]) {
        expect((values[row] as number[])[id]).toBeCloseTo((ownValues[row] as number[])[mlmTokenizer.tokenToId(shared.idToToken(id) as string) as number] as number, 5);
      }
      expect((values[row] as number[])[banned]).toBeLessThanOrEqual(BANNED_LOGIT / 2);
    }
    tf.dispose([actual, own]);
  });

  it('refuses a diffusion encoder beside the permuted MLM (it reads the head ids untranslated): a typed error, nothing kept', () => {
    const before = tf.memory().numTensors;
    const build = () => new MariaModel({ ar: model.ar, mlm: model.mlm, head: model.head, tokenizer: shared, mlmTokenizer, diffusion: model.mlm });
    expect(build).toThrow(/only supported when the MLM uses the shared ids/);
    expect(build).toThrow(expect.objectContaining({ code: 'TokenizerMismatch' }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves as a MARIA directory that loads with the map recomputed and the same logits', async () => {
    const target = path.join(dir, 'maria');
    await saveMariaModel(model, target);
    const loaded = await loadMariaModel(target);
    try {
      expect(Array.from(loaded.vocabularyMap.toOther)).toEqual(Array.from(model.vocabularyMap.toOther));
      expect(loaded.vocabularyMap.banned).toEqual(model.vocabularyMap.banned);
      const [before, after] = [headLogits(model, [40, 310, 72, 900, 15, 2048]), headLogits(loaded, [40, 310, 72, 900, 15, 2048])];
      expectTensorClose(after, before, FLOAT32);
      tf.dispose([before, after]);
    } finally {
      loaded.dispose();
    }
  });
});
