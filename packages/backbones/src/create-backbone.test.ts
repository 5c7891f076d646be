import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine, meanSoftmaxCrossEntropy, UnknownNameError, type LanguageBackbone } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from './create-backbone.js';
import { backboneFamilies } from './families.js';
import type { Backbone } from './family.js';
import { saveCheckpointFiles } from './io/checkpoint-files.js';
import { loadBackbone } from './load-backbone.js';

const EXACT = { atol: 0, rtol: 0 };

/** A small config of every family in its Hugging Face spelling. */
const TINY_CONFIGS: Record<string, Record<string, unknown>> = {
  gpt2: { n_embd: 16, n_layer: 2, n_head: 2, vocab_size: 30, n_positions: 32 },
  llama: { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 24, vocab_size: 30 },
  olmo: { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 24, vocab_size: 30, clip_qkv: 0.5 },
  bert: { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, max_position_embeddings: 32 },
  modernbert: { hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, local_attention: 4, max_position_embeddings: 32 },
  gpt_neox: { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, vocab_size: 30, max_position_embeddings: 32 },
  'modernbert-decoder': { hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, local_attention: 4, max_position_embeddings: 32 },
};

/** Other layouts held-back checkpoints may use: biases, untied heads, GQA/MQA, other windows. */
const VARIANTS: [string, Record<string, unknown>][] = [
  ['gpt2', { ...TINY_CONFIGS.gpt2, tie_word_embeddings: false, n_inner: 20, activation_function: 'gelu' }],
  ['llama', { ...TINY_CONFIGS.llama, num_key_value_heads: 1, tie_word_embeddings: true, attention_bias: true, head_dim: 8 }],
  ['olmo', { ...TINY_CONFIGS.olmo, num_key_value_heads: 2, tie_word_embeddings: true, clip_qkv: null }],
  ['bert', { ...TINY_CONFIGS.bert, tie_word_embeddings: false, hidden_act: 'gelu_new' }],
  [
    'modernbert',
    { ...TINY_CONFIGS.modernbert, norm_bias: true, attention_bias: true, mlp_bias: true, classifier_bias: true, decoder_bias: false, tie_word_embeddings: false, global_attn_every_n_layers: 2, local_rope_theta: null },
  ],
  ['gpt_neox', { ...TINY_CONFIGS.gpt_neox, use_parallel_residual: false, rotary_pct: 0.5, rotary_emb_base: 1000, tie_word_embeddings: true, attention_bias: false, hidden_act: 'gelu_new' }],
  [
    'modernbert-decoder',
    { ...TINY_CONFIGS['modernbert-decoder'], norm_bias: true, attention_bias: true, mlp_bias: true, classifier_bias: true, decoder_bias: false, tie_word_embeddings: false, global_attn_every_n_layers: 2, local_rope_theta: null },
  ],
];

let scratch: string;

beforeAll(async () => {
  await initEngine(testEngineOptions());
  scratch = await mkdtemp(join(tmpdir(), 'maria-create-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const ids = () => tf.tensor2d([[1, 5, 9, 2, 7, 3], [4, 4, 8, 0, 1, 29]], [2, 6], 'int32');

function outputs(backbone: LanguageBackbone): { hidden: tf.Tensor; logits: tf.Tensor } {
  return tf.tidy(() => {
    const output = backbone.forward(ids(), { returnLogits: true });
    return { hidden: output.hidden, logits: output.logits as tf.Tensor };
  });
}

describe('createBackbone', () => {
  it('covers every registered family', () => {
    expect(Object.keys(TINY_CONFIGS).sort()).toEqual(backboneFamilies.names().sort());
  });

  for (const [modelType, config] of Object.entries(TINY_CONFIGS)) {
    describe(modelType, () => {
      it('initialises deterministically from the seed and runs a forward pass', () => {
        const first = createBackbone(modelType, config, { seed: 1 });
        const again = createBackbone(modelType, config, { seed: 1 });
        const other = createBackbone(modelType, config, { seed: 2 });
        expect(first.info.contentHash).toBe(again.info.contentHash);
        expect(first.info.contentHash).not.toBe(other.info.contentHash);
        const a = outputs(first);
        const b = outputs(again);
        expect(a.hidden.shape).toEqual([2, 6, 16]);
        expect(a.logits.shape).toEqual([2, 6, 30]);
        expectTensorClose(a.hidden, b.hidden, EXACT);
        expect(Array.from(a.logits.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([a.hidden, a.logits, b.hidden, b.logits]);
        for (const backbone of [first, again, other]) backbone.dispose();
      });

      it('is trainable: a few SGD steps on next-token cross-entropy lower the loss', () => {
        const backbone = createBackbone(modelType, config, { seed: 3 });
        expect(backbone.variables().every((variable) => variable.trainable)).toBe(true);
        const input = ids();
        const labels = tf.tensor1d([5, 9, 2, 7, 3, 1, 4, 8, 0, 1, 29, 2], 'int32');
        const loss = () => tf.tidy(() => meanSoftmaxCrossEntropy(backbone.project(backbone.forward(input).hidden).reshape([12, 30]) as tf.Tensor2D, labels));
        const optimizer = tf.train.sgd(0.5);
        const before = loss().dataSync()[0] as number;
        for (let step = 0; step < 3; step++) tf.dispose(optimizer.minimize(loss, true, backbone.variables()) ?? []);
        const after = loss().dataSync()[0] as number;
        expect(after).toBeLessThan(before - 0.01);
        tf.dispose([input, labels]);
        optimizer.dispose();
        backbone.dispose();
      });

      it('exports to Hugging Face names that load back into the same model', async () => {
        const backbone = createBackbone(modelType, config, { seed: 4 }) as Backbone;
        const checkpoint = backbone.toCheckpoint();
        expect(checkpoint.config.model_type).toBe(modelType);
        const dir = join(scratch, modelType);
        await saveCheckpointFiles(dir, { config: checkpoint.config, tensors: checkpoint.tensors, dtype: 'F32' });
        const loaded = await loadBackbone(dir, { onWarning: (line) => expect.fail(line) });
        expect(loaded.info.contentHash).toBe(backbone.info.contentHash);
        const original = outputs(backbone);
        const reloaded = outputs(loaded);
        expectTensorClose(reloaded.hidden, original.hidden, EXACT);
        expectTensorClose(reloaded.logits, original.logits, EXACT);
        tf.dispose([original.hidden, original.logits, reloaded.hidden, reloaded.logits]);
        backbone.dispose();
        loaded.dispose();
      });
    });
  }

  for (const [index, [modelType, config]] of VARIANTS.entries()) {
    it(`${modelType} variant ${JSON.stringify(config)} saves and loads back identically`, async () => {
      const backbone = createBackbone(modelType, config, { seed: 5 }) as Backbone;
      const checkpoint = backbone.toCheckpoint();
      const dir = join(scratch, `variant-${index}`);
      await saveCheckpointFiles(dir, { config: checkpoint.config, tensors: checkpoint.tensors, dtype: 'F32' });
      const loaded = await loadBackbone(dir, { onWarning: (line) => expect.fail(line) });
      const original = outputs(backbone);
      const reloaded = outputs(loaded);
      expectTensorClose(reloaded.logits, original.logits, EXACT);
      expect(Array.from(original.logits.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([original.hidden, original.logits, reloaded.hidden, reloaded.logits]);
      backbone.dispose();
      loaded.dispose();
    });
  }

  it('names the Hugging Face tensors of optional parts as transformers does', () => {
    const names = (modelType: string, config: Record<string, unknown>) => {
      const backbone = createBackbone(modelType, config, { seed: 0 }) as Backbone;
      const result = [...backbone.toCheckpoint().tensors.keys()];
      backbone.dispose();
      return result;
    };
    const modernBert = names(...(VARIANTS[4] as [string, Record<string, unknown>]));
    for (const name of ['model.embeddings.norm.bias', 'model.layers.1.attn_norm.bias', 'model.layers.0.attn.Wqkv.bias', 'model.layers.0.mlp.Wi.bias', 'head.dense.bias', 'head.norm.bias', 'decoder.weight']) {
      expect(modernBert).toContain(name);
    }
    expect(modernBert).not.toContain('model.layers.0.attn_norm.weight');
    expect(modernBert).not.toContain('decoder.bias');
    expect(names(...(VARIANTS[3] as [string, Record<string, unknown>]))).toContain('cls.predictions.decoder.weight');
    expect(names(...(VARIANTS[0] as [string, Record<string, unknown>]))).toContain('lm_head.weight');
    expect(names(...(VARIANTS[2] as [string, Record<string, unknown>]))).not.toContain('lm_head.weight');
    const neoX = names('gpt_neox', TINY_CONFIGS.gpt_neox as Record<string, unknown>);
    for (const name of ['gpt_neox.embed_in.weight', 'gpt_neox.layers.1.attention.query_key_value.bias', 'gpt_neox.layers.0.attention.dense.bias', 'gpt_neox.layers.0.mlp.dense_h_to_4h.bias', 'gpt_neox.final_layer_norm.bias', 'embed_out.weight']) {
      expect(neoX).toContain(name);
    }
    const neoXTied = names(...(VARIANTS[5] as [string, Record<string, unknown>]));
    expect(neoXTied).not.toContain('embed_out.weight');
    expect(neoXTied).not.toContain('gpt_neox.layers.0.attention.dense.bias');
    const decoder = names(...(VARIANTS[6] as [string, Record<string, unknown>]));
    for (const name of ['model.layers.0.attn.q_proj.bias', 'model.layers.1.attn.v_proj.weight', 'model.layers.1.attn_norm.bias', 'lm_head.dense.bias', 'lm_head.norm.bias', 'decoder.weight']) {
      expect(decoder).toContain(name);
    }
    expect(decoder).not.toContain('model.layers.0.attn_norm.weight');
    expect(decoder).not.toContain('decoder.bias');
  });

  it('refuses an unknown model type, listing the known ones', () => {
    expect(() => createBackbone('rwkv', {}, { seed: 0 })).toThrowError(UnknownNameError);
  });
});
