import * as tf from '@tensorflow/tfjs';
import { InputTooLongError, initEngine, Rng } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { FractionGate, MariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingComponentError } from '../errors.js';
import { arOnlyNll } from './ar-only.js';
import { diffusionNelbo } from './diffusion-nelbo.js';
import { drawEvaluationMasks } from './evaluation-masks.js';
import { mariaExactNll } from './maria-exact.js';
import { maskedPositions, pooledPerplexity, type MaskedExamples } from './masked-nll.js';
import { maskedPerplexityTable } from './masked-perplexity.js';
import { mlmArDecodeNll } from './mlm-ar-decode.js';

let model: MariaModel;
let withoutDiffusion: MariaModel;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  model = createRandomMariaModel({ tokenizer, seed: 11, withDiffusion: true });
  withoutDiffusion = createRandomMariaModel({ tokenizer, seed: 12 });
});
afterAll(() => {
  model.dispose();
  withoutDiffusion.dispose();
});

/** Random windows of two lengths, so batching groups them. */
function windows(): number[][] {
  const rng = new Rng(5);
  return [10, 10, 7, 10, 7].map((length) => Array.from({ length }, () => rng.int(8000)));
}
const ids = windows();
const examples: MaskedExamples = { ids, masks: drawEvaluationMasks(ids, { rate: 0.4, seed: 3 }) };
const ONE_PER_BATCH = { maxBatchTokens: 1 };
const FLOAT32 = { atol: 1e-3, rtol: 1e-4 };

/** −log softmax(logits)[label] in float64 on the host. */
function nllOf(logits: tf.Tensor, label: number, vocab: number): number {
  const values = Array.from(logits.dataSync()).slice(0, vocab);
  const max = Math.max(...values);
  const logSum = max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
  return logSum - (values[label] as number);
}

describe('MARIA exact masked NLL', () => {
  it('equals the token-by-token KV-cached decoder path through the head, example by example', () => {
    const fast = mariaExactNll(model, examples);
    ids.forEach((row, b) => {
      const positions = maskedPositions(examples.masks[b] as Uint8Array);
      const reference = tf.tidy(() => {
        const masked = row.map((id, i) => (positions.includes(i) ? model.maskTokenId : id));
        const hMLM = model.mlmStates(tf.tensor2d([masked], undefined, 'int32'));
        const cache = model.ar.createCache(1, row.length + 1);
        let sum = 0;
        let previous = model.ar.bosTokenId;
        for (let i = 0; i < row.length; i++) {
          const hAR = model.ar.step(tf.tensor2d([[previous]], undefined, 'int32'), cache).hidden.reshape([1, -1]) as tf.Tensor2D;
          if (positions.includes(i)) {
            const logits = model.head.logits(hAR, hMLM.slice([0, i, 0], [1, 1, -1]).reshape([1, -1]) as tf.Tensor2D);
            sum += nllOf(logits, row[i] as number, model.vocabSize);
          }
          previous = row[i] as number;
        }
        cache.dispose();
        return sum;
      });
      expect(fast.tokens[b]).toBe(positions.length);
      expect(fast.nll[b]).toBeCloseTo(reference, 3);
    });
    const pooled = pooledPerplexity(fast);
    const totalTokens = examples.masks.reduce((sum, mask) => sum + maskedPositions(mask).length, 0);
    expect(pooled.tokens).toBe(totalTokens);
    expect(pooled.ppl).toBeCloseTo(Math.exp(fast.nll.reduce((a, b) => a + b, 0) / totalTokens), 8);
  });

  it('scores a model with a fusion gate gated, each example at its own masked fraction', () => {
    const gate = new FractionGate({ offset: 0.3, slope: -3, arOffset: 0.2, arSlope: 1 });
    const gated = new MariaModel({ ar: model.ar, mlm: model.mlm, head: model.head, tokenizer: model.tokenizer, gate });
    try {
      const scored = mariaExactNll(gated, examples, ONE_PER_BATCH);
      const plain = mariaExactNll(model, examples, ONE_PER_BATCH);
      ids.forEach((row, b) => {
        const positions = maskedPositions(examples.masks[b] as Uint8Array);
        const f = positions.length / row.length;
        const { ar, mlm } = gate.scalesAt(f);
        const reference = tf.tidy(() => {
          const states = model.alignedStates(tf.tensor2d([row], undefined, 'int32'), tf.tensor2d([row.map((id, i) => (positions.includes(i) ? model.maskTokenId : id))], undefined, 'int32'));
          let sum = 0;
          for (const i of positions) {
            const hAR = states.hAR.slice([0, i, 0], [1, 1, -1]).reshape([1, -1]) as tf.Tensor2D;
            const hMLM = states.hMLM.slice([0, i, 0], [1, 1, -1]).reshape([1, -1]) as tf.Tensor2D;
            sum += nllOf(tf.add(tf.mul(model.head.arLogits(hAR), ar), tf.mul(model.head.mlmLogits(hMLM), mlm)), row[i] as number, model.vocabSize);
          }
          return sum;
        });
        expect(scored.nll[b]).toBeCloseTo(reference, 3);
        if (positions.length > 0) expect(Math.abs((scored.nll[b] as number) - (plain.nll[b] as number))).toBeGreaterThan(1e-3);
      });
    } finally {
      gate.dispose();
    }
  });

  it('is the same batched and one example per pass, and leaks no tensor', async () => {
    const batched = await expectNoTensorLeak(() => mariaExactNll(model, examples, { maxLogitRows: 3 }));
    const single = mariaExactNll(model, examples, ONE_PER_BATCH);
    expectTensorClose(batched.nll, single.nll, FLOAT32);
    expect(Array.from(batched.tokens)).toEqual(Array.from(single.tokens));
  });
});

describe('AR-only masked NLL', () => {
  it('equals a per-position loop over the AR logits of [BOS, x_<i]', async () => {
    const fast = await expectNoTensorLeak(() => arOnlyNll(model, examples));
    ids.forEach((row, b) => {
      let reference = 0;
      for (const i of maskedPositions(examples.masks[b] as Uint8Array)) {
        reference += tf.tidy(() => {
          const logits = model.ar.forward(tf.tensor2d([[model.ar.bosTokenId, ...row.slice(0, i)]], undefined, 'int32'), { returnLogits: true }).logits!;
          return nllOf(logits.slice([0, i, 0], [1, 1, -1]), row[i] as number, model.vocabSize);
        });
      }
      expect(fast.nll[b]).toBeCloseTo(reference, 3);
    });
  });

  it('scores each token independently of which other tokens are masked', () => {
    const all = arOnlyNll(model, { ids, masks: ids.map((row) => new Uint8Array(row.length).fill(1)) });
    const complement = examples.masks.map((mask) => Uint8Array.from(mask, (flag) => (flag ? 0 : 1)));
    const part = arOnlyNll(model, examples);
    const rest = arOnlyNll(model, { ids, masks: complement });
    expectTensorClose(Float64Array.from(part.nll, (v, b) => v + (rest.nll[b] as number)), all.nll, FLOAT32);
    // MARIA, by contrast, conditions on the unmasked tokens: masking more changes the scores.
    const mariaAll = mariaExactNll(model, { ids, masks: ids.map((row) => new Uint8Array(row.length).fill(1)) });
    const mariaSplit = Float64Array.from(mariaExactNll(model, examples).nll, (v, b) => v + (mariaExactNll(model, { ids, masks: complement }).nll[b] as number));
    expect(Math.max(...mariaAll.nll.map((v, b) => Math.abs(v - (mariaSplit[b] as number))))).toBeGreaterThan(1e-3);
  });
});

describe('MLM AR-decode', () => {
  it('equals an unbatched reference that reveals one masked token per MLM pass', () => {
    const fast = mlmArDecodeNll(model, examples);
    ids.forEach((row, b) => {
      const positions = maskedPositions(examples.masks[b] as Uint8Array);
      let reference = 0;
      positions.forEach((position, step) => {
        const input = row.map((id, i) => (positions.slice(step).includes(i) ? model.maskTokenId : id));
        reference += tf.tidy(() => {
          const logits = model.mlm.forward(tf.tensor2d([input], undefined, 'int32'), { returnLogits: true }).logits!;
          return nllOf(logits.slice([0, position, 0], [1, 1, -1]), row[position] as number, model.vocabSize);
        });
      });
      expect(fast.nll[b]).toBeCloseTo(reference, 3);
      expect(fast.tokens[b]).toBe(positions.length);
    });
  });

  it('is the same batched across examples and one example per pass, and leaks no tensor', async () => {
    const batched = await expectNoTensorLeak(() => mlmArDecodeNll(model, examples));
    const single = mlmArDecodeNll(model, examples, ONE_PER_BATCH);
    expectTensorClose(batched.nll, single.nll, FLOAT32);
  });
});

describe('masked diffusion NELBO', () => {
  it('does not depend on batching, and leaks no tensor', async () => {
    // The encoder here is freshly initialised (trainable): its first projection outside a
    // gradient keeps one transposed copy of the tied table (backbones' VocabProjection cache).
    diffusionNelbo(model, examples, { samples: 1, seed: 9 });
    const batched = await expectNoTensorLeak(() => diffusionNelbo(model, examples, { samples: 4, seed: 9 }));
    const single = diffusionNelbo(model, examples, { samples: 4, seed: 9, ...ONE_PER_BATCH });
    expectTensorClose(batched.nll, single.nll, FLOAT32);
    expect(Array.from(batched.tokens)).toEqual(Array.from(single.tokens));
  });

  it('is (1/K) Σ_k CE/t_k over the stratified t_k that hide the target, for a single target', () => {
    const row = ids[0] as number[];
    const target = 4;
    const mask = new Uint8Array(row.length);
    mask[target] = 1;
    const samples = 16;
    const result = diffusionNelbo(model, { ids: [row], masks: [mask] }, { samples, seed: 21 });
    // The documented stream: example 0 draws from the first split of Rng(seed): u, then one uniform per target per k.
    const rng = new Rng(21).split();
    const u = rng.uniform();
    const encoder = model.diffusion!;
    const crossEntropy = tf.tidy(() => {
      const input = row.map((id, i) => (i === target ? encoder.maskTokenId : id));
      const logits = encoder.forward(tf.tensor2d([input], undefined, 'int32'), { returnLogits: true }).logits!;
      return nllOf(logits.slice([0, target, 0], [1, 1, -1]), row[target] as number, model.vocabSize);
    });
    let expected = 0;
    let hiddenCount = 0;
    for (let k = 0; k < samples; k++) {
      const t = (k + u) / samples;
      if (rng.uniform() < t) {
        expected += crossEntropy / t / samples;
        hiddenCount += 1;
      }
    }
    expect(hiddenCount).toBeGreaterThan(0);
    expect(result.nll[0]).toBeCloseTo(expected, 3);
    expect(result.tokens[0]).toBe(1);
  });

  it('needs a diffusion encoder', () => {
    expect(() => diffusionNelbo(withoutDiffusion, examples)).toThrow(MissingComponentError);
    expect(() => maskedPerplexityTable(withoutDiffusion, ids, { rates: [0.5], methods: ['maria', 'diffusion'], seed: 1 })).toThrow(/model\.diffusion/);
  });
});

describe('evaluation masks and the table', () => {
  it('draws the same masks for a seed, nested across rates, independent of the other examples', () => {
    const a = drawEvaluationMasks(ids, { rate: 0.3, seed: 4 });
    expect(a).toEqual(drawEvaluationMasks(ids, { rate: 0.3, seed: 4 }));
    expect(a).not.toEqual(drawEvaluationMasks(ids, { rate: 0.3, seed: 5 }));
    expect(drawEvaluationMasks(ids.slice(0, 2), { rate: 0.3, seed: 4 })).toEqual(a.slice(0, 2));
    const wider = drawEvaluationMasks(ids, { rate: 0.7, seed: 4 });
    a.forEach((mask, b) => {
      expect(maskedPositions(mask)).toHaveLength(Math.ceil(0.3 * mask.length));
      for (const i of maskedPositions(mask)) expect(wider[b]?.[i]).toBe(1);
    });
    expect(maskedPositions(drawEvaluationMasks([[8189, 5, 6, 8189]], { rate: 1, seed: 0, specialIds: [8189] })[0]!)).toEqual([1, 2]);
  });

  it('scores every method on exactly the masks drawn for the seed', () => {
    const rows = maskedPerplexityTable(model, ids, { rates: [0.2, 0.6], methods: ['maria', 'ar', 'mlm', 'diffusion'], seed: 8, diffusionSamples: 2 });
    expect(rows.map((row) => `${row.method}@${row.rate}`)).toEqual(['maria@0.2', 'ar@0.2', 'mlm@0.2', 'diffusion@0.2', 'maria@0.6', 'ar@0.6', 'mlm@0.6', 'diffusion@0.6']);
    const specialIds = [8189, 8190, 8191];
    for (const rate of [0.2, 0.6]) {
      const masks = drawEvaluationMasks(ids, { rate, seed: 8, specialIds });
      const atRate = rows.filter((row) => row.rate === rate);
      const expectedTokens = masks.reduce((sum, mask) => sum + maskedPositions(mask).length, 0);
      for (const row of atRate) expect(row.tokens).toBe(expectedTokens);
      expect(atRate.find((row) => row.method === 'maria')?.ppl).toBeCloseTo(pooledPerplexity(mariaExactNll(model, { ids, masks })).ppl, 6);
      expect(atRate.find((row) => row.method === 'ar')?.ppl).toBeCloseTo(pooledPerplexity(arOnlyNll(model, { ids, masks })).ppl, 6);
      expect(atRate.find((row) => row.method === 'mlm')?.ppl).toBeCloseTo(pooledPerplexity(mlmArDecodeNll(model, { ids, masks })).ppl, 6);
      expect(atRate.find((row) => row.method === 'diffusion')?.k).toBe(2);
    }
  });

  it('refuses windows longer than the backbones take', () => {
    const limited = { ...model, ar: { ...model.ar, info: { ...model.ar.info, maxPositions: 8 } }, mlm: model.mlm, tokenizer: model.tokenizer } as unknown as MariaModel;
    expect(() => maskedPerplexityTable(limited, ids, { rates: [0.5], methods: ['ar'], seed: 0 })).toThrow(InputTooLongError);
  });
});
