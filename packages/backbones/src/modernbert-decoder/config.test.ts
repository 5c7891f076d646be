import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../testing/golden-fixtures.js';
import { parseModernBertDecoderConfig, type ModernBertDecoderConfig } from './config.js';

const minimal = { hidden_size: 32, num_hidden_layers: 5, num_attention_heads: 4, intermediate_size: 48, vocab_size: 100 };

const layout = (config: ModernBertDecoderConfig) => config.layers.map((layer) => `${layer.kind}:${layer.rope.theta}`);

function refusal(raw: Record<string, unknown>): Error {
  try {
    parseModernBertDecoderConfig(raw, 'cfg');
  } catch (error) {
    expect(CheckpointError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('parseModernBertDecoderConfig', () => {
  it("reads transformers 5's layer_types / rope_parameters / sliding_window and the Hub spelling to the same config", () => {
    const written = JSON.parse(readFileSync(join(fixtureDir('tiny-modernbert-decoder'), 'config.json'), 'utf8')) as Record<string, unknown>;
    const { layer_types: _types, rope_parameters: _rope, sliding_window: _window, dtype: _dtype, ...rest } = written;
    const hub = { ...rest, global_rope_theta: 160000, local_rope_theta: 10000, torch_dtype: 'bfloat16' };
    const fromWritten = parseModernBertDecoderConfig(written, 'cfg');
    const fromHub = parseModernBertDecoderConfig(hub, 'cfg');
    expect(fromHub.config).toEqual(fromWritten.config);
    expect(layout(fromWritten.config)).toEqual(['full:160000', 'sliding:10000', 'sliding:10000']);
    expect(fromWritten.config).toMatchObject({ slidingWindow: 4, normBias: false, decoderBias: true, tieWordEmbeddings: true, bosTokenId: 1 });
    expect([...fromWritten.warnings, ...fromHub.warnings]).toEqual([]);
  });

  it('makes layer i full iff i % global_attn_every_n_layers == 0, with a window of local_attention // 2 keys', () => {
    const { config } = parseModernBertDecoderConfig({ ...minimal, global_attn_every_n_layers: 2, local_attention: 9, global_rope_theta: 300 }, 'cfg');
    expect(layout(config)).toEqual(['full:300', 'sliding:10000', 'full:300', 'sliding:10000', 'full:300']);
    expect(config.slidingWindow).toBe(4);
    expect(parseModernBertDecoderConfig(minimal, 'cfg').config.slidingWindow).toBe(64);
    expect(layout(parseModernBertDecoderConfig(minimal, 'cfg').config)).toEqual(['full:160000', 'sliding:10000', 'sliding:10000', 'full:160000', 'sliding:10000']);
  });

  it('prefers a stored sliding_window to local_attention // 2', () => {
    expect(parseModernBertDecoderConfig({ ...minimal, local_attention: 128, sliding_window: 7 }, 'cfg').config.slidingWindow).toBe(7);
  });

  it('defaults a missing local_rope_theta to 10000; an explicit null means the global θ', () => {
    expect(layout(parseModernBertDecoderConfig({ ...minimal, global_rope_theta: 5000 }, 'cfg').config)).toEqual(['full:5000', 'sliding:10000', 'sliding:10000', 'full:5000', 'sliding:10000']);
    expect(layout(parseModernBertDecoderConfig({ ...minimal, global_rope_theta: 5000, local_rope_theta: null }, 'cfg').config)).toEqual(['full:5000', 'sliding:5000', 'sliding:5000', 'full:5000', 'sliding:5000']);
    const newer = parseModernBertDecoderConfig({ ...minimal, rope_parameters: { full_attention: { rope_type: 'default', rope_theta: 77 }, sliding_attention: { rope_type: 'default', rope_theta: 33 } } }, 'cfg').config;
    expect(layout(newer)).toEqual(['full:77', 'sliding:33', 'sliding:33', 'full:77', 'sliding:33']);
  });

  it('reads a linear rope scaling into both kinds, and norm / attention / MLP / classifier / decoder biases and an untied decoder', () => {
    const { config } = parseModernBertDecoderConfig(
      { ...minimal, rope_scaling: { rope_type: 'linear', factor: 2 }, norm_bias: true, attention_bias: true, mlp_bias: true, classifier_bias: true, decoder_bias: false, tie_word_embeddings: false },
      'cfg',
    );
    expect(config.layers.every((layer) => layer.rope.scaling?.type === 'linear')).toBe(true);
    expect(config).toMatchObject({ normBias: true, attentionBias: true, mlpBias: true, classifierBias: true, decoderBias: false, tieWordEmbeddings: false });
  });

  it('refuses what it does not implement with a one-line CheckpointError naming the key', () => {
    expect(refusal({ ...minimal, layer_types: ['full_attention'] }).message).toContain('layer_types');
    expect(refusal({ ...minimal, layer_types: ['full_attention', 'chunked_attention', 'full_attention', 'full_attention', 'full_attention'] }).message).toContain('layer_types');
    expect(refusal({ ...minimal, rope_parameters: { sliding_attention: { rope_type: 'yarn', factor: 2 } } }).message).toContain('rope_parameters.sliding_attention.rope_type = "yarn"');
    expect(refusal({ ...minimal, local_attention: null }).message).toContain('local_attention = 0 is not supported');
    expect(refusal({ ...minimal, local_attention: 1 }).message).toContain('local_attention = 1');
    expect(refusal({ ...minimal, hidden_activation: 'swiglu' }).message).toContain('hidden_activation = "swiglu" is not supported');
    expect(refusal({ ...minimal, num_attention_heads: 3 }).message).toContain('hidden_size');
    // Windows do not matter when every layer is full.
    expect(parseModernBertDecoderConfig({ ...minimal, local_attention: null, global_attn_every_n_layers: 1 }, 'cfg').config.layers.every((layer) => layer.kind === 'full')).toBe(true);
  });
});
