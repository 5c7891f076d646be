import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectNoTensorLeak } from '@maria-ts/core/testing';
import type { MariaModel } from '@maria-ts/fusion-head';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenBenchFixtures, openBenchFixtures } from '../testing/bench-fixtures.js';
import { assertJudgeIsNotBackbone, type ArJudgeModel, loadArJudgeModel } from './ar-judge-model.js';
import { JudgeIsBackboneError } from './judge-errors.js';
import { judgeModelScorer } from './likelihood-scorer.js';
import { perplexityOf, textLikelihoods } from './text-log-likelihood.js';

let fixtures: OpenBenchFixtures;
let model: MariaModel;
let judge: ArJudgeModel;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  fixtures = await openBenchFixtures('bench-judge-');
  ({ model, judge } = fixtures);
}, 120_000);

afterAll(() => fixtures.close());

const texts = ['The cat sat on the mat.', 'A much longer sentence, with commas, and several more words than the first one.', 'Hi'];

/** -log p(x_i | BOS, x_<i) summed by hand: a full forward and a float64 log-softmax, one text at a time. */
function referenceNll(text: string): number {
  const ids = judge.tokenizer.encode(text);
  const logits = tf.tidy(() => judge.backbone.forward(tf.tensor2d([[judge.backbone.bosTokenId, ...ids.slice(0, -1)]], undefined, 'int32'), { returnLogits: true }).logits!);
  const rows = logits.arraySync()[0] as number[][];
  logits.dispose();
  return ids.reduce((sum, id, i) => {
    const row = rows[i] as number[];
    const max = Math.max(...row);
    const logZ = max + Math.log(row.reduce((acc, value) => acc + Math.exp(value - max), 0));
    return sum + logZ - (row[id] as number);
  }, 0);
}

describe('the judge AR model', () => {
  it('scores texts by teacher-forced NLL after BOS; batching with right padding changes nothing', async () => {
    const batched = await expectNoTensorLeak(() => textLikelihoods(judge, texts, { batchSize: 3 }));
    const single = await textLikelihoods(judge, texts, { batchSize: 1 });
    batched.forEach((score, index) => {
      expect(score.tokens).toBe(judge.tokenizer.encode(texts[index] as string).length);
      expect(score.nll).toBeCloseTo((single[index] as { nll: number }).nll, 3);
      expect(score.nll).toBeCloseTo(referenceNll(texts[index] as string), 2);
    });
    const total = batched.reduce((sum, s) => sum + s.nll, 0) / batched.reduce((sum, s) => sum + s.tokens, 0);
    expect(perplexityOf(batched)).toBeCloseTo(Math.exp(total), 6);
    expect(await judgeModelScorer(judge)(texts)).toEqual(batched.map((s) => -s.nll / s.tokens));
  });

  it('refuses empty texts and an empty score list', async () => {
    await expect(textLikelihoods(judge, [''])).rejects.toThrow(/at least one token/);
    expect(() => perplexityOf([])).toThrow(/at least one scored token/);
  });

  it("refuses the model's own AR backbone as judge, by content hash, with a clear message", async () => {
    expect(() => assertJudgeIsNotBackbone(judge, model.ar)).not.toThrow();
    const own = await loadArJudgeModel(path.join(fixtures.modelDir, 'ar'), model.tokenizer);
    try {
      expect(() => assertJudgeIsNotBackbone(own, model.ar)).toThrow(JudgeIsBackboneError);
      expect(() => assertJudgeIsNotBackbone(own, model.ar)).toThrow(/is the model's own AR backbone .*separately trained, larger or longer-trained/);
    } finally {
      own.backbone.dispose();
    }
  });

  it('refuses a masked-LM checkpoint as judge', async () => {
    await expect(loadArJudgeModel(path.join(fixtures.modelDir, 'mlm'), model.tokenizer)).rejects.toThrow(/causal \(AR\) checkpoint/);
  });
});
