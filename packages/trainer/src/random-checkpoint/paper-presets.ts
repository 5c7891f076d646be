import { Registry } from '@maria-ts/core';
import { ettinPresets } from './ettin-presets.js';

/**
 * Published backbones as Hugging Face config.json objects with their exact architecture: the
 * paper's MARIA-1B pair (`allenai/OLMo-1B-hf`, `answerdotai/ModernBERT-large`) and the Ettin
 * pairs (`ettin-presets.ts`). Random weights in these shapes measure what a real MARIA costs
 * on an engine without downloading the real weights.
 */
export interface PaperPreset {
  /** The Hugging Face repository whose architecture this is. */
  readonly source: string;
  /** Where the fields were read, when not from that repository's own config.json. */
  readonly reference?: string;
  readonly kind: 'ar' | 'mlm';
  readonly config: Readonly<Record<string, unknown>>;
}

export const paperPresets = new Registry<PaperPreset>('checkpoint preset');

paperPresets.register('olmo-1b', {
  source: 'allenai/OLMo-1B-hf',
  kind: 'ar',
  config: {
    architectures: ['OlmoForCausalLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: null,
    // OLMo-1 has no QKV clipping; its LayerNorm is non-parametric (no norm weights at all).
    clip_qkv: null,
    eos_token_id: 50279,
    hidden_act: 'silu',
    hidden_size: 2048,
    initializer_range: 0.02,
    intermediate_size: 8192,
    max_position_embeddings: 2048,
    model_type: 'olmo',
    num_attention_heads: 16,
    num_hidden_layers: 16,
    num_key_value_heads: 16,
    pad_token_id: 1,
    rope_scaling: null,
    rope_theta: 10000.0,
    tie_word_embeddings: true,
    torch_dtype: 'bfloat16',
    use_cache: true,
    vocab_size: 50304,
  },
});

paperPresets.register('modernbert-large', {
  source: 'answerdotai/ModernBERT-large',
  kind: 'mlm',
  config: {
    architectures: ['ModernBertForMaskedLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: 50281,
    classifier_activation: 'gelu',
    classifier_bias: false,
    classifier_dropout: 0.0,
    classifier_pooling: 'mean',
    cls_token_id: 50281,
    decoder_bias: true,
    deterministic_flash_attn: false,
    embedding_dropout: 0.0,
    eos_token_id: 50282,
    global_attn_every_n_layers: 3,
    global_rope_theta: 160000.0,
    hidden_activation: 'gelu',
    hidden_size: 1024,
    initializer_cutoff_factor: 2.0,
    initializer_range: 0.02,
    intermediate_size: 2624,
    local_attention: 128,
    local_rope_theta: 10000.0,
    max_position_embeddings: 8192,
    mlp_bias: false,
    mlp_dropout: 0.0,
    model_type: 'modernbert',
    norm_bias: false,
    norm_eps: 1e-5,
    num_attention_heads: 16,
    num_hidden_layers: 28,
    pad_token_id: 50283,
    sep_token_id: 50282,
    sparse_pred_ignore_index: -100,
    sparse_prediction: false,
    tie_word_embeddings: true,
    torch_dtype: 'bfloat16',
    vocab_size: 50368,
  },
});

for (const [name, preset] of ettinPresets) paperPresets.register(name, preset);
