import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initEngine, type Tokenizer } from '@maria-ts/core';
import { expectNoTensorLeak, testEngineOptions } from '@maria-ts/core/testing';
import type { MariaModel } from '@maria-ts/core';
import { createRandomMariaModel } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infill } from './infill.js';
import type { InfillMethod, InfillRequest } from './infill-types.js';
import { infillNBest } from './n-best.js';
import { fillBreaksWord, positionBans, type FillSpan } from './whole-words.js';

/**
 * A byte-level tokenizer with nine ids, small enough to enumerate every joint fill: BOS,
 * [MASK], [PAD], two word-initial tokens, one that glues onto the word before, the first two
 * bytes of "€" and its last byte, and one more word.
 */
const PIECES: readonly (readonly number[])[] = [[], [], [], [0x20, 0x61], [0x20, 0x62], [0x63], [0xe2, 0x82], [0xac], [0x20, 0x64]];
const NAMES = ['<s>', '[MASK]', '[PAD]', ' a', ' b', 'c', '\u00e2\u0082', '\u00ac', ' d'];
const decoder = new TextDecoder();
const tinyTokenizer: Tokenizer = {
  vocabSize: PIECES.length,
  specialTokens: { bos: 0, eos: 0, mask: 1, pad: 2 },
  encode: () => [],
  decode: (ids) => decoder.decode(Uint8Array.from(ids.flatMap((id) => [...(PIECES[id] ?? [])]))),
  idToToken: (id) => NAMES[id],
  tokenToId: (token) => (NAMES.includes(token) ? NAMES.indexOf(token) : undefined),
  fingerprint: () => 'nine-ids',
};
const SPECIAL = new Set([0, 1, 2]);
const FILLABLE = [3, 4, 5, 6, 7, 8];

/** Joint log-probabilities agree with brute force to float32 rounding of logits of size ~10, summed over 3 positions. */
const LOG_PROB_TOLERANCE = 1e-4;

let model: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  model = createRandomMariaModel({ tokenizer: tinyTokenizer, seed: 11, hiddenSize: 16, withDiffusion: true });
});
afterAll(() => model.dispose());

const REQUEST: InfillRequest = { ids: [3, 1, 5, 1, 1, 4], masked: [1, 3, 4] };

/**
 * Every joint fill of `request` scored the slow way: one uncached forward of both backbones
 * per fill (all fills in one batch), the whole head at every masked position, a log softmax
 * over the ids `allowed` admits there, summed. Best first.
 */
function bruteForce(request: InfillRequest, allowed: (position: number, ids: readonly number[]) => boolean = () => true): { ids: number[]; logProb: number }[] {
  const masked = [...request.masked];
  const tilde = request.ids.map((id, i) => (masked.includes(i) ? model.maskTokenId : id));
  let fills: number[][] = [[...tilde]];
  for (const position of masked) fills = fills.flatMap((ids) => FILLABLE.map((id) => ids.map((old, i) => (i === position ? id : old))));
  fills = fills.filter((ids) => masked.every((position) => allowed(position, ids)));
  const length = tilde.length;
  const logits = tf.tidy(() => {
    const states = model.alignedStates(tf.tensor2d(fills, undefined, 'int32'), tf.tensor2d(fills.map(() => tilde), undefined, 'int32'));
    return model.logitsAt(states, Int32Array.from(fills.flatMap((_, b) => masked.map((position) => b * length + position))));
  });
  const values = logits.arraySync();
  logits.dispose();
  return fills
    .map((ids, b) => {
      let logProb = 0;
      masked.forEach((position, k) => {
        const row = values[b * masked.length + k] as number[];
        const open = row.map((value, id) => (SPECIAL.has(id) || !allowed(position, ids.map((old, i) => (i === position ? id : old))) ? -Infinity : value));
        const max = Math.max(...open);
        const normaliser = max + Math.log(open.reduce((sum, value) => sum + Math.exp(value - max), 0));
        logProb += (open[ids[position] as number] as number) - normaliser;
      });
      return { ids, logProb };
    })
    .sort((a, b) => b.logProb - a.logProb);
}

describe('infillNBest (beam search over the masked positions on the KV cache)', () => {
  it('with a beam that holds every partial fill, returns exactly the brute-force top joint fills and their log-probabilities', async () => {
    const exact = bruteForce(REQUEST);
    expect(exact).toHaveLength(FILLABLE.length ** 3);
    const found = await infillNBest(model, REQUEST, { nBest: 5, beamWidth: FILLABLE.length ** 2 });
    expect(found.map((fill) => fill.ids)).toEqual(exact.slice(0, 5).map((fill) => fill.ids));
    found.forEach((fill, k) => {
      expect(Math.abs(fill.logProb - (exact[k]?.logProb as number))).toBeLessThan(LOG_PROB_TOLERANCE);
      expect(Math.abs(fill.logProb - fill.filled.reduce((sum, token) => sum + token.logProb, 0))).toBeLessThan(1e-9);
    });
  });

  it('with a narrow beam, returns distinct fills best first whose log-probabilities are exact, without leaking tensors', async () => {
    const exact = new Map(bruteForce(REQUEST).map((fill) => [fill.ids.join(','), fill.logProb]));
    // A first call lets the backbone set up whatever it keeps per shape (the host decode step's buffers); the second must leave nothing.
    await infillNBest(model, REQUEST, { nBest: 3, beamWidth: 3 });
    await expectNoTensorLeak(async () => {
      const found = await infillNBest(model, REQUEST, { nBest: 3, beamWidth: 3 });
      expect(new Set(found.map((fill) => fill.ids.join(','))).size).toBe(3);
      for (let k = 1; k < found.length; k++) expect((found[k - 1] as { logProb: number }).logProb).toBeGreaterThanOrEqual((found[k] as { logProb: number }).logProb);
      for (const fill of found) expect(Math.abs(fill.logProb - (exact.get(fill.ids.join(',')) as number))).toBeLessThan(LOG_PROB_TOLERANCE);
    });
  });

  it('with a beam of one is greedy Algorithm 1, whose reported per-token log-probabilities it matches', async () => {
    const [best] = await infillNBest(model, REQUEST, { nBest: 1 });
    const greedy = await infill(model, REQUEST, { temperature: 0 });
    expect(best?.ids).toEqual(greedy.ids);
    greedy.filled.forEach((token, k) => expect(Math.abs(token.logProb - (best?.filled[k]?.logProb as number))).toBeLessThan(1e-6));
  });

  it('keeps the whole-word rule: a word after a space starts with a space and never ends mid-character', async () => {
    const spans: FillSpan[] = [{ start: 1, end: 2, leadingSpace: true }, { start: 3, end: 5, leadingSpace: false }];
    const request = { ...REQUEST, spans };
    const bans = positionBans(tinyTokenizer, PIECES.length, { specialIds: [0, 1, 2], spans, maskTokenId: 1 });
    const allowed = (position: number, ids: readonly number[]) => bans(position, Int32Array.from(ids))[ids[position] as number] === 0;
    const exact = bruteForce(request, allowed);
    const found = await infillNBest(model, request, { nBest: 4, beamWidth: 36 });
    expect(found.map((fill) => fill.ids)).toEqual(exact.slice(0, 4).map((fill) => fill.ids));
    for (const fill of found) {
      expect(fillBreaksWord(tinyTokenizer.decode(fill.ids.slice(1, 2)), true)).toEqual({ merges: false, breaks: false });
      expect(fillBreaksWord(tinyTokenizer.decode(fill.ids.slice(3, 5)), false).breaks).toBe(false);
    }
  });

  it('refuses a bad nBest, beam width or method with a typed error', async () => {
    await expect(infillNBest(model, REQUEST, { nBest: 0 })).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
    await expect(infillNBest(model, REQUEST, { nBest: 3, beamWidth: 2 })).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
    await expect(infillNBest(model, REQUEST, { nBest: 2, method: 'mlm' as 'ar' })).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
  });
});

describe('the whole-word rule on every infill method', () => {
  const spans: FillSpan[] = [{ start: 1, end: 2, leadingSpace: true }, { start: 3, end: 5, leadingSpace: true }];
  const request: InfillRequest = { ...REQUEST, spans };
  const violations = (ids: readonly number[]) => {
    const first = fillBreaksWord(tinyTokenizer.decode(ids.slice(1, 2)), true);
    const second = fillBreaksWord(tinyTokenizer.decode(ids.slice(3, 5)), true);
    return [first, second].filter((check) => check.merges || check.breaks).length;
  };

  it('bans the id that would complete a word cut mid-character only when the earlier token left it cut', () => {
    const bans = positionBans(tinyTokenizer, PIECES.length, { specialIds: [0, 1, 2], spans, maskTokenId: 1 });
    const allowedAt = (position: number, tokens: number[]) => FILLABLE.filter((id) => bans(position, Int32Array.from(tokens))[id] === 0);
    expect(allowedAt(1, REQUEST.ids as number[])).toEqual([3, 4, 8]); // starts with a space, whole characters
    expect(allowedAt(3, REQUEST.ids as number[])).toEqual([3, 4, 8]); // the second word's first token
    expect(allowedAt(4, [3, 3, 5, 6, 1, 4])).toEqual([7]); // after the first bytes of "€", only its last byte ends the word
    expect(allowedAt(4, [3, 3, 5, 4, 1, 4])).toEqual([3, 4, 5, 8]); // after a whole token, whole characters
    expect(allowedAt(2, REQUEST.ids as number[])).toEqual(FILLABLE); // not in a word: special tokens only
  });

  it.each<InfillMethod>(['maria', 'mlm', 'diffusion', 'ar'])('%s: no fill merges or breaks over 10 seeds, and without the rule some do', async (method) => {
    let withRule = 0;
    let withoutRule = 0;
    for (let seed = 0; seed < 10; seed++) {
      withRule += violations((await infill(model, request, { method, seed, diffusionSteps: 3 })).ids);
      withoutRule += violations((await infill(model, request, { method, seed, diffusionSteps: 3, wholeWords: false })).ids);
    }
    expect(withRule).toBe(0);
    expect(withoutRule).toBeGreaterThan(0);
  });
});
