import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng, initEngine } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { objectives, parseMaskRate, rangeRateMaskSampler } from './objectives.js';

/** The objective's fused loss against the same quantity assembled from full logits in float64. */
const LOSS = { closeTo: 4 };
const VOCAB = 24;
const MASK = 23;

const tinyLlama = { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, intermediate_size: 16, vocab_size: VOCAB, max_position_embeddings: 64, rms_norm_eps: 1e-5, tie_word_embeddings: false };
const tinyModernBert = {
  hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 12, vocab_size: VOCAB, max_position_embeddings: 64,
  global_attn_every_n_layers: 1, local_attention: 4, norm_bias: false, tie_word_embeddings: true, decoder_bias: true, mask_token_id: MASK,
};

function logSoftmaxRows(logits: number[][]): number[][] {
  return logits.map((row) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return row.map((v) => v - lse);
  });
}

const batch = { ids: Int32Array.from([3, 7, 1, 9, 4, 4, 12, 0, 5, 2, 8, 6, 11, 13, 1, 2]), batch: 2, length: 8 };

describe('pretraining objectives', () => {
  beforeAll(async () => {
    await initEngine({ engine: 'wasm' });
  });

  it('ar: mean next-token cross-entropy over every position', () => {
    const backbone = createBackbone('llama', tinyLlama, { seed: 1 });
    const loss = objectives.get('ar')(backbone, {}).loss(batch, new Rng(0)).dataSync()[0] as number;
    const { logits } = backbone.forward(tf.tensor2d(batch.ids, [2, 8], 'int32'), { returnLogits: true });
    const rows = logits!.arraySync() as number[][][];
    let total = 0;
    for (let b = 0; b < 2; b++) {
      const logProbs = logSoftmaxRows(rows[b]!);
      for (let t = 0; t < 7; t++) total -= logProbs[t]![batch.ids[b * 8 + t + 1] as number]!;
    }
    expect(loss).toBeCloseTo(total / 14, LOSS.closeTo);
    backbone.dispose();
  });

  it('mlm: cross-entropy on the masked positions of the [MASK]ed input only', () => {
    const backbone = createBackbone('modernbert', tinyModernBert, { seed: 2, maskTokenId: MASK });
    const task = objectives.get('mlm')(backbone, { maskTokenId: MASK, maskRate: 0.5 });
    const loss = task.loss(batch, new Rng(9)).dataSync()[0] as number;
    // Replay the masks the objective drew (same seed), then score from full logits.
    const replay = new Rng(9);
    const masked = Int32Array.from(batch.ids);
    const positions: number[] = [];
    for (let row = 0; row < 2; row++) {
      const drawn: number[] = [];
      for (let t = 0; t < 8; t++) if (replay.uniform() < 0.5) drawn.push(t);
      // The sampler draws exactly one uniform per position; an empty draw would add a fallback pick.
      expect(drawn.length).toBeGreaterThan(0);
      for (const t of drawn) {
        masked[row * 8 + t] = MASK;
        positions.push(row * 8 + t);
      }
    }
    const { logits } = backbone.forward(tf.tensor2d(masked, [2, 8], 'int32'), { returnLogits: true });
    const flat = logSoftmaxRows((logits!.arraySync() as number[][][]).flat());
    const expected = positions.reduce((sum, p) => sum - flat[p]![batch.ids[p] as number]!, 0) / positions.length;
    expect(loss).toBeCloseTo(expected, LOSS.closeTo);
    backbone.dispose();
  });

  it('mlm with a rate range: each row draws its rate from its own slice of the range', () => {
    const sampler = rangeRateMaskSampler({ min: 0.1, max: 0.9 });
    const eligible = new Uint8Array(64).fill(1);
    const rng = new Rng(3);
    for (let trial = 0; trial < 20; trial++) {
      for (let index = 0; index < 4; index++) {
        const { rate, mask } = sampler.sample(eligible, rng, { index, size: 4 });
        expect(rate).toBeGreaterThanOrEqual(0.1 + 0.2 * index);
        expect(rate).toBeLessThan(0.1 + 0.2 * (index + 1));
        expect(mask.reduce((sum, flag) => sum + flag, 0)).toBeGreaterThan(0);
      }
    }
    // The objective masks with it: a loss over the masked positions, finite and positive.
    const backbone = createBackbone('modernbert', tinyModernBert, { seed: 2, maskTokenId: MASK });
    const loss = objectives.get('mlm')(backbone, { maskTokenId: MASK, maskRate: { min: 0.1, max: 0.9 } }).loss(batch, new Rng(9)).dataSync()[0] as number;
    expect(loss).toBeGreaterThan(0);
    expect(Number.isFinite(loss)).toBe(true);
    backbone.dispose();
  });

  it('parses --mask-rate as a rate or a min:max range and refuses anything else', () => {
    expect(parseMaskRate('0.3')).toBe(0.3);
    expect(parseMaskRate('0.1:0.9')).toEqual({ min: 0.1, max: 0.9 });
    for (const bad of ['0', '1.5', '0.9:0.1', '0.2:', ':0.5', '0:0.5', '0.1:1.2', 'x', '0.1:0.2:0.3']) {
      expect(() => parseMaskRate(bad)).toThrow(/^invalid --mask-rate/);
    }
    expect(() => rangeRateMaskSampler({ min: 0.5, max: 0.5 })).toThrow(/masking rate range/);
  });

  it('diffusion: weights masked cross-entropy by 1/t and normalises by all tokens', () => {
    const backbone = createBackbone('modernbert', tinyModernBert, { seed: 3, maskTokenId: MASK });
    const task = objectives.get('diffusion')(backbone, { maskTokenId: MASK });
    // MDLM's estimate is unbiased for the full-sequence cross-entropy: with count ~ Bin(L, t),
    // E[count / (t·L)] = 1. Without the 1/t weight the mean would sit near E[t] = 1/2 of it.
    const mlmLoss = objectives.get('mlm')(backbone, { maskTokenId: MASK, maskRate: 1 }).loss(batch, new Rng(4)).dataSync()[0] as number;
    let sum = 0;
    const draws = 300;
    for (let seed = 0; seed < draws; seed++) sum += task.loss(batch, new Rng(seed)).dataSync()[0] as number;
    // Relative std of one draw is ≈ 0.66 for L = 8 and t ≥ 1e-3, so ±15% is over 3.5σ for 300 draws.
    expect(Math.abs(sum / draws / mlmLoss - 1)).toBeLessThan(0.15);
    backbone.dispose();
  });

  it('mlm and diffusion refuse a tokenizer without [MASK]', () => {
    const backbone = createBackbone('modernbert', tinyModernBert, { seed: 5, maskTokenId: MASK });
    expect(() => objectives.get('mlm')(backbone, {})).toThrow(/\[MASK\]/);
    expect(() => objectives.get('sft')).toThrow("unknown objective 'sft'; known: ar, mlm, diffusion");
    backbone.dispose();
  });
});
