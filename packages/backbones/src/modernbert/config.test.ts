import { describe, expect, it } from 'vitest';
import { parseModernBertConfig } from './config.js';

const minimal = { hidden_size: 32, num_hidden_layers: 5, num_attention_heads: 4, intermediate_size: 48, vocab_size: 100 };

describe('parseModernBertConfig', () => {
  it('makes layer i global iff i % global_attn_every_n_layers == 0, with separate rope thetas', () => {
    const { config, warnings } = parseModernBertConfig({ ...minimal, global_attn_every_n_layers: 2, local_attention: 8, global_rope_theta: 160000, local_rope_theta: 10000 }, 'cfg');
    expect(config.layers.map((layer) => `${layer.kind}:${layer.ropeTheta}`)).toEqual(['global:160000', 'local:10000', 'global:160000', 'local:10000', 'global:160000']);
    expect(config.localWindowHalfWidth).toBe(4);
    expect(warnings).toEqual([]);
  });

  it('uses the global θ on local layers when local_rope_theta is null, and defaults to every 3rd layer global', () => {
    const { config } = parseModernBertConfig({ ...minimal, global_rope_theta: 5000, local_rope_theta: null }, 'cfg');
    expect(config.layers.map((layer) => `${layer.kind}:${layer.ropeTheta}`)).toEqual(['global:5000', 'local:5000', 'local:5000', 'global:5000', 'local:5000']);
    expect(config).toMatchObject({ normBias: false, decoderBias: true, classifierBias: false, tieWordEmbeddings: true, localWindowHalfWidth: 64 });
  });

  it("defaults local_rope_theta to transformers' 10000 when the key is absent (only an explicit null means the global θ)", () => {
    const { config } = parseModernBertConfig({ ...minimal, global_rope_theta: 5000 }, 'cfg');
    expect(config.layers.map((layer) => `${layer.kind}:${layer.ropeTheta}`)).toEqual(['global:5000', 'local:10000', 'local:10000', 'global:5000', 'local:10000']);
    const newer = parseModernBertConfig({ ...minimal, rope_parameters: { full_attention: { rope_type: 'default', rope_theta: 5000 } }, local_rope_theta: null }, 'cfg').config;
    expect(newer.layers.map((layer) => layer.ropeTheta)).toEqual([5000, 5000, 5000, 5000, 5000]);
  });

  it('reads the newer layer_types and rope_parameters', () => {
    const { config } = parseModernBertConfig(
      {
        ...minimal,
        layer_types: ['full_attention', 'full_attention', 'sliding_attention', 'full_attention', 'sliding_attention'],
        rope_parameters: { full_attention: { rope_type: 'default', rope_theta: 111 }, sliding_attention: { rope_type: 'default', rope_theta: 22 } },
      },
      'cfg',
    );
    expect(config.layers.map((layer) => `${layer.kind}:${layer.ropeTheta}`)).toEqual(['global:111', 'global:111', 'local:22', 'global:111', 'local:22']);
  });

  it('refuses layouts and scalings it cannot honour', () => {
    expect(() => parseModernBertConfig({ ...minimal, layer_types: ['full_attention'] }, 'cfg')).toThrowError(/layer_types/);
    expect(() => parseModernBertConfig({ ...minimal, rope_scaling: { rope_type: 'linear', factor: 2 } }, 'cfg')).toThrowError(/rope_scaling/);
    expect(() => parseModernBertConfig({ ...minimal, hidden_activation: 'swiglu' }, 'cfg')).toThrowError(/hidden_activation = "swiglu" is not supported/);
  });
});
