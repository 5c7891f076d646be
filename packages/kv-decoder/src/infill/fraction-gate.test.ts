import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { FractionGate, MariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfillBatcher } from './infill-batcher.js';
import { infill } from './infill.js';
import { specialTokenIds } from './infill-decoder.js';
import type { InfillRequest } from './infill-types.js';
import { infillNBest } from './n-best.js';
import { naiveMariaGreedy, REQUESTS } from './infill.test-support.js';

/** A gated fill's log-probability against the full uncached forward's (float32, different op order). */
const LOG_PROB_TOLERANCE = 1e-4;

let plain: MariaModel;
let gated: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  plain = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 7 }) as MariaModel;
  // The same parts with a gate that leans on the AR more as the mask fraction grows.
  gated = new MariaModel({ ar: plain.ar, mlm: plain.mlm, head: plain.head, tokenizer: plain.tokenizer, gate: new FractionGate({ offset: 0.5, slope: -4, arOffset: 0.3, arSlope: 1.5 }) });
});
afterAll(() => {
  gated.gate?.dispose();
  plain.dispose();
});

/** log p of `id` at `position` from a full forward of both backbones and the gated head, special tokens banned as infill bans them. */
function fullForwardLogProb(request: InfillRequest, filled: readonly number[], position: number, id: number): number {
  const maskedTilde = request.ids.map((token, i) => (request.masked.includes(i) ? gated.maskTokenId : token));
  const current = request.ids.map((token, i) => (request.masked.includes(i) ? (i < position ? (filled[i] as number) : gated.maskTokenId) : token));
  const logits = tf.tidy(() => {
    const states = gated.alignedStates(tf.tensor2d([current], undefined, 'int32'), tf.tensor2d([maskedTilde], undefined, 'int32'));
    return gated.logitsAt(states, [position], [request.masked.length / request.ids.length]);
  });
  const values = Float64Array.from(logits.dataSync());
  logits.dispose();
  for (const banned of specialTokenIds(gated)) values[banned] = -Infinity;
  let max = -Infinity;
  for (const value of values) max = Math.max(max, value);
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return (values[id] as number) - max - Math.log(sum);
}

describe('a model with a fusion gate decodes gated, on every Algorithm-1 path', () => {
  it('greedy fills equal the full uncached forward with the gated head, and the gate changes fills', async () => {
    let differs = 0;
    for (const request of REQUESTS) {
      const result = await infill(gated, request, { temperature: 0 });
      expect(result.ids).toEqual(naiveMariaGreedy(gated, request));
      for (const token of result.filled) {
        expect(Math.abs(token.logProb - fullForwardLogProb(request, result.ids, token.index, token.id))).toBeLessThan(LOG_PROB_TOLERANCE);
      }
      if ((await infill(plain, request, { temperature: 0 })).ids.join() !== result.ids.join()) differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });

  it('the batcher gives each gated request what infill gives it alone, at its own masked fraction', async () => {
    const alone = await Promise.all(REQUESTS.map((request) => infill(gated, request, { temperature: 0 })));
    const batcher = new InfillBatcher(gated);
    const batched = await Promise.all(REQUESTS.map((request) => batcher.infill(request, { temperature: 0 })));
    batched.forEach((result, k) => {
      expect(result.ids).toEqual(alone[k]?.ids);
      result.filled.forEach((token, j) => expect(Math.abs(token.logProb - (alone[k]?.filled[j]?.logProb as number))).toBeLessThan(LOG_PROB_TOLERANCE));
    });
    batcher.dispose();
  });

  it('n-best with a beam of one is gated greedy Algorithm 1', async () => {
    const request = REQUESTS[2] as InfillRequest;
    const [best] = await infillNBest(gated, request, { nBest: 1 });
    const greedy = await infill(gated, request, { temperature: 0 });
    expect(best?.ids).toEqual(greedy.ids);
    greedy.filled.forEach((token, k) => expect(Math.abs(token.logProb - (best?.filled[k]?.logProb as number))).toBeLessThan(1e-6));
  });

  it('logitsAt refuses a gated model without each position\'s masked fraction', () => {
    const states = gated.alignedStates(tf.tensor2d([[40, 310, 72]], undefined, 'int32'), tf.tensor2d([[40, gated.maskTokenId, 72]], undefined, 'int32'));
    expect(() => gated.logitsAt(states, [1])).toThrow(InvalidArgumentError);
    expect(() => gated.logitsAt(states, [1], [1.5])).toThrow(/fractions/);
    tf.dispose([states.hAR, states.hMLM]);
  });
});
