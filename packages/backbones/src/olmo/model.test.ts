import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';
import type { Backbone } from '../family.js';
import { olmoFamily } from './index.js';
import { parseOlmoConfig } from './config.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const config = { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, initializer_range: 0.5 };

describe('OLMo', () => {
  it('reads as a Llama-style config with a non-parametric LayerNorm and no norm tensors', () => {
    const parsed = parseOlmoConfig({ ...config, clip_qkv: 2, bos_token_id: null, eos_token_id: 7 }, 'cfg').config;
    expect(parsed.norm).toEqual({ kind: 'non-parametric-layer', epsilon: 1e-5 });
    expect(parsed.clipQkv).toBe(2);
    expect(parsed.bosTokenId).toBe(7);
    const backbone = createBackbone('olmo', config, { seed: 1 }) as Backbone;
    expect([...backbone.toCheckpoint().tensors.keys()].filter((name) => name.includes('norm'))).toEqual([]);
    expect(backbone.info.family).toBe('olmo');
    backbone.dispose();
  });

  it('clips q, k and v only when clip_qkv is set and reached', () => {
    const unclipped = createBackbone('olmo', config, { seed: 2 }) as Backbone;
    const { tensors } = unclipped.toCheckpoint();
    const build = (clip: number | null) => olmoFamily.build({ ...config, model_type: 'olmo', clip_qkv: clip }, tensors).backbone;
    const [loose, tight] = [build(1e6), build(0.05)];
    const ids = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32');
    const [a, b, c] = [unclipped, loose, tight].map((backbone) => tf.tidy(() => backbone.forward(ids).hidden));
    expectTensorClose(b as tf.Tensor, a as tf.Tensor, { atol: 0, rtol: 0 });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(c as tf.Tensor, a as tf.Tensor))).dataSync()[0] as number)).toBeGreaterThan(1e-3);
    tf.dispose([ids, a as tf.Tensor, b as tf.Tensor, c as tf.Tensor]);
    for (const backbone of [unclipped, loose, tight]) backbone.dispose();
  });
});
