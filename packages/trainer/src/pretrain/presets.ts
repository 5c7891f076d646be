import { Registry } from '@maria-ts/core';

/**
 * Architectures of the tiny backbones (the recipe of ARCHITECTURE.md §2.3), in Hugging Face config.json
 * spelling so the same object is written next to the weights. Vocabulary and special ids are
 * filled in from the tokenizer at run time.
 */
export interface ArchitecturePreset {
  readonly modelType: string;
  readonly kind: 'ar' | 'mlm';
  readonly config: Record<string, unknown>;
  readonly description: string;
}

export const architecturePresets = new Registry<ArchitecturePreset>('architecture preset');

architecturePresets.register('tiny-llama', {
  modelType: 'llama',
  kind: 'ar',
  description: 'Llama-style AR: d=256, 4 layers, 4 heads, SwiGLU 688, RoPE, RMSNorm, untied head (7.4M parameters at V=8192)',
  config: {
    architectures: ['LlamaForCausalLM'],
    hidden_size: 256,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    intermediate_size: 688,
    hidden_act: 'silu',
    max_position_embeddings: 2048,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: false,
    attention_bias: false,
    mlp_bias: false,
    initializer_range: 0.02,
  },
}, 2);

architecturePresets.register('tiny-modernbert', {
  modelType: 'modernbert',
  kind: 'mlm',
  description: 'ModernBERT-style MLM: d=256, 4 layers, 4 heads, GeGLU 512, global attention every 3 layers, local window 128',
  config: {
    architectures: ['ModernBertForMaskedLM'],
    hidden_size: 256,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    intermediate_size: 512,
    hidden_activation: 'gelu',
    classifier_activation: 'gelu',
    max_position_embeddings: 2048,
    global_attn_every_n_layers: 3,
    local_attention: 128,
    global_rope_theta: 160000,
    local_rope_theta: 10000,
    norm_eps: 1e-5,
    norm_bias: false,
    attention_bias: false,
    mlp_bias: false,
    decoder_bias: true,
    tie_word_embeddings: true,
    initializer_range: 0.02,
  },
}, 1);
