import { describe, expect, it } from 'vitest';
import { parseGpt2Config } from './config.js';

describe('parseGpt2Config', () => {
  it('reads the n_* spelling, n_inner null as 4·n_embd, and GPT-2 defaults', () => {
    const { config, warnings } = parseGpt2Config({ n_embd: 8, n_layer: 2, n_head: 2, n_inner: null, n_ctx: 64, n_positions: 64, vocab_size: 50, summary_type: 'cls_index' }, 'cfg');
    expect(config).toMatchObject({ hiddenSize: 8, intermediateSize: 32, maxPositions: 64, activation: 'gelu_new', layerNormEpsilon: 1e-5, tieWordEmbeddings: true, bosTokenId: 49, scaleAttentionWeights: true });
    expect(warnings).toEqual([]);
  });

  it('accepts the attribute-map aliases and reports unknown keys', () => {
    const { config, warnings } = parseGpt2Config({ hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 4, vocab_size: 10, activation_function: 'relu', frobnicate: 1 }, 'cfg');
    expect(config).toMatchObject({ hiddenSize: 8, numLayers: 1, numHeads: 4, activation: 'relu' });
    expect(warnings).toEqual(["cfg: ignoring unknown key 'frobnicate' = 1"]);
  });

  it('refuses an activation it does not implement and a width not divisible by the heads', () => {
    expect(() => parseGpt2Config({ n_embd: 8, n_layer: 1, n_head: 2, activation_function: 'swish2' }, 'cfg')).toThrowError(/activation_function = "swish2" is not supported/);
    expect(() => parseGpt2Config({ n_embd: 9, n_layer: 1, n_head: 2 }, 'cfg')).toThrowError(/n_embd = 9 is not supported/);
  });
});
