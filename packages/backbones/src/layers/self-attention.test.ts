import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionBias } from './attention-mask.js';
import { RotaryEmbedding } from './rotary-embedding.js';
import { selfAttention, type SelfAttentionOptions } from './self-attention.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

describe('selfAttention with a per-head fused projection (GPT-NeoX)', () => {
  it('equals the [q | k | v] layout with the columns regrouped', () => {
    const rng = new Rng(3);
    const [hidden, heads, headDim, length] = [12, 3, 4, 5];
    const width = 3 * heads * headDim;
    const perHead = Float32Array.from({ length: hidden * width }, () => rng.normal());
    const perHeadBias = Float32Array.from({ length: width }, () => rng.normal());
    // Column (h, part, i) of the per-head layout is column (part, h, i) of the blocks layout.
    const toBlocks = (column: number) => {
      const head = Math.floor(column / (3 * headDim));
      const part = Math.floor((column % (3 * headDim)) / headDim);
      return (part * heads + head) * headDim + (column % headDim);
    };
    const blocks = new Float32Array(perHead.length);
    const blocksBias = new Float32Array(width);
    for (let row = 0; row < hidden; row++) for (let column = 0; column < width; column++) blocks[row * width + toBlocks(column)] = perHead[row * width + column] as number;
    for (let column = 0; column < width; column++) blocksBias[toBlocks(column)] = perHeadBias[column] as number;
    const output = { weight: tf.tensor2d(Float32Array.from({ length: heads * headDim * hidden }, () => rng.normal()), [heads * headDim, hidden]), bias: null };
    const x = tf.tensor3d(Float32Array.from({ length: length * hidden }, () => rng.normal()), [1, length, hidden]);
    const base: SelfAttentionOptions = { heads: { numHeads: heads, numKeyValueHeads: heads, headDim }, scale: 0.5, rotary: new RotaryEmbedding({ dimension: 2, theta: 100 }), clipQkv: null };
    const bias = attentionBias({ batchSize: 1, queryLength: length, keyLength: length, queryOffset: 0, causal: true });
    const run = (weight: Float32Array, qkvBias: Float32Array, options: SelfAttentionOptions) =>
      tf.tidy(() => selfAttention(x, { queryKeyValue: { weight: tf.tensor2d(weight, [hidden, width]), bias: tf.tensor1d(qkvBias) }, output }, options, { positionOffset: 0, bias }));
    const interleaved = run(perHead, perHeadBias, { ...base, fusedLayout: 'per-head' });
    const grouped = run(blocks, blocksBias, base);
    const unregrouped = run(perHead, perHeadBias, base);
    expectTensorClose(interleaved, grouped, { atol: 1e-6, rtol: 1e-5 });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(unregrouped, grouped))).dataSync()[0] as number)).toBeGreaterThan(1e-3);
    tf.dispose([interleaved, grouped, unregrouped, x, output.weight, ...(bias ? [bias] : [])]);
  });
});
