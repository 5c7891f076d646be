import { describe, expect, it } from 'vitest';
import { parseBertConfig } from './config.js';

const minimal = { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, vocab_size: 50 };

describe('parseBertConfig', () => {
  it('defaults to exact gelu, 512 absolute positions, 2 token types and LayerNorm ε 1e-12', () => {
    const { config, warnings } = parseBertConfig({ ...minimal, position_embedding_type: 'absolute', classifier_dropout: null }, 'cfg');
    expect(config).toMatchObject({ activation: 'gelu', maxPositions: 512, typeVocabSize: 2, layerNormEpsilon: 1e-12, tieWordEmbeddings: true });
    expect(warnings).toEqual([]);
  });

  it('refuses relative position embeddings and decoder (causal) BERTs', () => {
    expect(() => parseBertConfig({ ...minimal, position_embedding_type: 'relative_key' }, 'cfg')).toThrowError(/position_embedding_type = "relative_key" is not supported/);
    expect(() => parseBertConfig({ ...minimal, is_decoder: true }, 'cfg')).toThrowError(/is_decoder = true is not supported/);
  });
});
