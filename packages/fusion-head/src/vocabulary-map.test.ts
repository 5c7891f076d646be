import * as tf from '@tensorflow/tfjs';
import { TokenizerMismatchError, initEngine } from '@maria-ts/core';
import { HuggingFaceTokenizer, loadTokenizer, type TokenizerJson } from '@maria-ts/backbones';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productOfExpertsHead } from './linear-fusion-head.js';
import type { MariaModel } from './maria-model.js';
import { addTokenizerToken, createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR, permuteTokenizerIds } from './testing/index.js';
import { assertTokenizersPair } from './tokenizer-compatibility.js';
import { vocabularyMap } from './vocabulary-map.js';

type Json = { model: { vocab: Record<string, number>; merges: unknown[] } };

let ar: HuggingFaceTokenizer;
let arModel: MariaModel;
let mlmModel: MariaModel;
/** Pieces whose ids the permuted copy swaps, pairwise. */
const SWAPS: readonly (readonly [number, number])[] = [[40, 900], [310, 72], [15, 2048]];

/** The tiny tokenizer with one added token past its ids, which a plain copy lacks. */
const withExtraToken = () => addTokenizerToken(ar, '<|ar-only|>');
/** The tiny tokenizer with the ids of `SWAPS` exchanged (same pieces and merges). */
const permuted = () => permuteTokenizerIds(ar, SWAPS);

/** The first value of a tensor, which is disposed. */
function first(tensor: tf.Tensor): number {
  const value = tensor.dataSync()[0] as number;
  tensor.dispose();
  return value;
}

function mismatch(head: HuggingFaceTokenizer, other: HuggingFaceTokenizer): string {
  try {
    vocabularyMap(head, other, 'the AR', 'the MLM');
  } catch (error) {
    expect(TokenizerMismatchError.isInstance(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a TokenizerMismatchError');
}

beforeAll(async () => {
  await initEngine(testEngineOptions());
  ar = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  arModel = createRandomMariaModel({ tokenizer: ar, seed: 5, hiddenSize: 16, numLayers: 1, vocabPadding: { ar: 1 } });
  mlmModel = createRandomMariaModel({ tokenizer: permuted(), seed: 6, hiddenSize: 8, numLayers: 1 });
});
afterAll(() => {
  arModel.dispose();
  mlmModel.dispose();
});

describe('vocabularyMap', () => {
  it('is the identity for one tokenizer on both sides', () => {
    const map = vocabularyMap(ar, ar, 'the AR', 'the MLM');
    expect(map.identity).toBe(true);
    expect(map.banned).toEqual([]);
    expect(Array.from(map.toOther.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('maps permuted ids by token string, and the permutation is refused by the plain pairing rule', () => {
    const other = permuted();
    const map = vocabularyMap(ar, other, 'the AR', 'the MLM');
    expect(map.identity).toBe(false);
    expect(map.banned).toEqual([]);
    for (const [a, b] of SWAPS) expect([map.toOther[a], map.toOther[b]]).toEqual([b, a]);
    for (let id = 0; id < ar.vocabSize; id++) expect(other.idToToken(map.toOther[id] as number)).toBe(ar.idToToken(id));
    expect(() => assertTokenizersPair(ar, other, 'the AR', 'the MLM')).toThrow(/base vocabularies differ at id 15: /);
  });

  it('bans the head ids whose token the other tokenizer lacks', () => {
    const head = withExtraToken();
    expect(head.vocabSize).toBe(ar.vocabSize + 1);
    const map = vocabularyMap(head, permuted(), 'the AR', 'the MLM');
    expect(map.banned).toEqual([ar.vocabSize]);
    expect(map.toOther[ar.vocabSize]).toBe(-1);
    expect([map.toOther[40], map.toOther[ar.tokenToId('[MASK]') as number]]).toEqual([900, ar.tokenToId('[MASK]')]);
  });

  it('still refuses a pair whose strings differ, naming the first differing token', () => {
    const json = structuredClone(permuted().json) as unknown as Json;
    const piece = Object.entries(json.model.vocab).find(([, id]) => id === 500)?.[0] as string;
    delete json.model.vocab[piece];
    json.model.vocab['renamed-piece'] = 500;
    const message = mismatch(ar, new HuggingFaceTokenizer(json as unknown as TokenizerJson));
    expect(message).toBe(`tokenizers differ between the AR and the MLM: base vocabularies differ at id 15: ${JSON.stringify(ar.idToToken(15))} vs ${JSON.stringify(ar.idToToken(2048))}`);
  });

  it('refuses permuted ids when the merges differ too', () => {
    const json = structuredClone(permuted().json) as unknown as Json;
    [json.model.merges[3], json.model.merges[4]] = [json.model.merges[4], json.model.merges[3]];
    expect(mismatch(ar, new HuggingFaceTokenizer(json as unknown as TokenizerJson))).toMatch(/base vocabularies differ at id 15: /);
  });
});

describe('productOfExpertsHead through a vocabulary map', () => {
  it('at init, head logits equal (AR logits + MLM logits gathered through the map)/2', () => {
    const other = mlmModel.tokenizer;
    const map = vocabularyMap(ar, other, 'the AR', 'the MLM');
    const head = productOfExpertsHead(arModel.ar.outputProjection(), mlmModel.mlm.outputProjection(), ar.vocabSize, map.toOther);
    const arIds = [[arModel.ar.bosTokenId, 40, 310, 72, 900, 15, 2048]];
    const mlmIds = arIds.map((row) => row.map((id) => map.toOther[id] as number));
    const [actual, expected] = tf.tidy(() => {
      const arOut = arModel.ar.forward(tf.tensor2d(arIds, undefined, 'int32'), { returnLogits: true });
      const mlmOut = mlmModel.mlm.forward(tf.tensor2d(mlmIds, undefined, 'int32'), { returnLogits: true });
      const length = arIds[0]?.length as number;
      const hAR = arOut.hidden.reshape([length, -1]) as tf.Tensor2D;
      const hMLM = mlmOut.hidden.reshape([length, -1]) as tf.Tensor2D;
      const arLogits = (arOut.logits as tf.Tensor3D).reshape([length, -1]).slice([0, 0], [length, ar.vocabSize]);
      const mlmLogits = tf.gather((mlmOut.logits as tf.Tensor3D).reshape([length, -1]), tf.tensor1d(map.toOther, 'int32'), 1);
      return [head.logits(hAR, hMLM), tf.mul(tf.add(arLogits, mlmLogits), 0.5)];
    });
    expectTensorClose(actual as tf.Tensor, expected as tf.Tensor, { atol: 1e-5, rtol: 1e-5 });
    // The permutation matters: the ungathered MLM logits give other values at the swapped ids.
    const plain = productOfExpertsHead(arModel.ar.outputProjection(), mlmModel.mlm.outputProjection(), ar.vocabSize);
    const differs = tf.tidy(() => {
      const hAR = tf.ones([1, arModel.ar.info.hiddenSize]) as tf.Tensor2D;
      const hMLM = tf.ones([1, mlmModel.mlm.info.hiddenSize]) as tf.Tensor2D;
      return tf.sub(head.logits(hAR, hMLM), plain.logits(hAR, hMLM)).abs().max().dataSync()[0] as number;
    });
    expect(differs).toBeGreaterThan(1e-3);
    tf.dispose([actual as tf.Tensor, expected as tf.Tensor]);
    head.dispose();
    plain.dispose();
  });

  it('gives banned ids no MLM half, and leaks nothing', async () => {
    const extended = withExtraToken();
    const map = vocabularyMap(extended, permuted(), 'the AR', 'the MLM');
    const banned = map.banned[0] as number;
    await expectNoTensorLeak(() => {
      const head = productOfExpertsHead(arModel.ar.outputProjection(), mlmModel.mlm.outputProjection(), extended.vocabSize, map.toOther);
      expect(head.vocabSize).toBe(ar.vocabSize + 1);
      const column = head.variables().mlmWeight.slice([0, banned], [-1, 1]);
      expect(Array.from(column.dataSync()).every((value) => value === 0)).toBe(true);
      const arBias = arModel.ar.outputProjection().bias;
      const expectedBias = arBias ? first(arBias.slice(banned, 1)) / 2 : 0;
      expect(first(head.variables().bias.slice(banned, 1))).toBeCloseTo(expectedBias, 6);
      column.dispose();
      head.dispose();
    });
  });

  it('refuses a map of the wrong length or with an out-of-range row', () => {
    const projection = mlmModel.mlm.outputProjection();
    expect(() => productOfExpertsHead(arModel.ar.outputProjection(), projection, ar.vocabSize, new Int32Array(3))).toThrow(/vocabulary map/);
    const bad = Int32Array.from({ length: ar.vocabSize }, (_, id) => id);
    bad[7] = projection.weight.shape[0];
    expect(() => productOfExpertsHead(arModel.ar.outputProjection(), projection, ar.vocabSize, bad)).toThrow(/vocabulary map entry/);
  });
});
