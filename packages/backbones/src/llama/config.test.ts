import { describe, expect, it } from 'vitest';
import { parseLlamaConfig } from './config.js';

const minimal = { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, vocab_size: 100 };

describe('parseLlamaConfig', () => {
  it('fills Hugging Face defaults (MHA, head_dim = hidden/heads, untied, RMSNorm 1e-6, bos 1)', () => {
    const { config, warnings } = parseLlamaConfig(minimal, 'cfg');
    expect(config).toMatchObject({ numKeyValueHeads: 4, headDim: 8, tieWordEmbeddings: false, norm: { kind: 'rms', epsilon: 1e-6 }, bosTokenId: 1, rope: { theta: 10000, scaling: null } });
    expect(warnings).toEqual([]);
  });

  it('reads linear and llama3 rope_scaling, and the newer rope_parameters', () => {
    expect(parseLlamaConfig({ ...minimal, rope_scaling: { type: 'linear', factor: 2 } }, 'cfg').config.rope.scaling).toEqual({ type: 'linear', factor: 2 });
    const llama3 = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
    expect(parseLlamaConfig({ ...minimal, rope_scaling: llama3 }, 'cfg').config.rope.scaling).toEqual({
      type: 'llama3',
      factor: 8,
      lowFrequencyFactor: 1,
      highFrequencyFactor: 4,
      originalMaxPositions: 8192,
    });
    expect(parseLlamaConfig({ ...minimal, rope_parameters: { rope_type: 'default', rope_theta: 500000 } }, 'cfg').config.rope).toEqual({ theta: 500000, scaling: null });
  });

  it('refuses what it cannot honour with the key and value in the message', () => {
    expect(() => parseLlamaConfig({ ...minimal, rope_scaling: { rope_type: 'dynamic', factor: 2 } }, 'cfg')).toThrowError(
      `cfg: rope_scaling.rope_type = "dynamic" is not supported (supported: 'default', 'linear', 'llama3')`,
    );
    expect(() => parseLlamaConfig({ ...minimal, num_key_value_heads: 3 }, 'cfg')).toThrowError(/num_key_value_heads = 3 is not supported/);
    expect(() => parseLlamaConfig({ ...minimal, hidden_act: 'mish' }, 'cfg')).toThrowError(/hidden_act = "mish" is not supported/);
    expect(() => parseLlamaConfig({ ...minimal, pretraining_tp: 2 }, 'cfg')).toThrowError(/pretraining_tp = 2 is not supported/);
    expect(() => parseLlamaConfig({ ...minimal, clip_qkv: 1 }, 'cfg')).toThrowError(/clip_qkv = 1 is not supported/);
  });
});
