import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MariaModel } from './maria-model.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';

let model: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 3 });
});
afterAll(() => model.dispose());

const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };
const clean = [[40, 310, 72, 900, 15, 2048, 33, 501]];
const masked = new Set([2, 5]);

/** Head logits at position `at` for clean ids `ids`, with the MLM seeing `ids` masked at `masked`. */
function logitsAt(ids: number[][], at: number): tf.Tensor2D {
  return tf.tidy(() => {
    const maskedIds = ids.map((row) => row.map((id, i) => (masked.has(i) ? model.maskTokenId : id)));
    const states = model.alignedStates(tf.tensor2d(ids, undefined, 'int32'), tf.tensor2d(maskedIds, undefined, 'int32'));
    return model.logitsAt(states, [at]);
  });
}

describe('MariaModel alignment (ARCHITECTURE.md §1.2)', () => {
  it('at init, head logits equal the mean of the AR logits of x_<i and the MLM logits of x̃ at i', () => {
    const at = 5;
    const head = logitsAt(clean, at);
    const expected = tf.tidy(() => {
      const arInput = tf.tensor2d([[model.ar.bosTokenId, ...(clean[0] as number[]).slice(0, at)]], undefined, 'int32');
      const arLogits = model.ar.forward(arInput, { returnLogits: true }).logits!.slice([0, at, 0], [1, 1, -1]).reshape([1, -1]);
      const maskedIds = (clean[0] as number[]).map((id, i) => (masked.has(i) ? model.maskTokenId : id));
      const mlmLogits = model.mlm.forward(tf.tensor2d([maskedIds], undefined, 'int32'), { returnLogits: true }).logits!.slice([0, at, 0], [1, 1, -1]).reshape([1, -1]);
      return tf.mul(tf.add(arLogits.slice([0, 0], [1, model.vocabSize]), mlmLogits.slice([0, 0], [1, model.vocabSize])), 0.5);
    });
    expectTensorClose(head, expected, FLOAT32);
    tf.dispose([head, expected]);
  });

  it('changing a masked token at or after i leaves the logits at i unchanged', () => {
    const before = logitsAt(clean, 2);
    for (const change of [2, 5]) {
      const changed = clean.map((row) => row.map((id, i) => (i === change ? id + 7 : id)));
      const after = logitsAt(changed, 2);
      expectTensorClose(after, before, { atol: 0, rtol: 0 });
      after.dispose();
    }
    before.dispose();
  });

  it('changing an unmasked token after i changes the logits at i (the MLM sees the future)', () => {
    const before = logitsAt(clean, 2);
    const changed = clean.map((row) => row.map((id, i) => (i === 6 ? id + 7 : id)));
    const after = logitsAt(changed, 2);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(after, before))).dataSync()[0] as number);
    expect(difference).toBeGreaterThan(1e-4);
    tf.dispose([before, after]);
  });

  it('does not leak tensors', () => {
    expectNoTensorLeak(() => logitsAt(clean, 3).dispose());
  });
});
