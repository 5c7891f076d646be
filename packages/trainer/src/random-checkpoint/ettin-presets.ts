import type { PaperPreset } from './paper-presets.js';

/**
 * The Ettin pairs (`jhu-clsp/ettin-decoder-*`, `jhu-clsp/ettin-encoder-*`): decoders and
 * encoders trained on the same data with ModernBERT's tokenizer (OLMo's vocabulary plus
 * specials, `[MASK]` at 50284), so each size is a MARIA pair with identical ids.
 *
 * The architecture of each size comes from the Ettin authors' own training configs
 * (JHU-CLSP/ettin-encoder-vs-decoder at commit 86fe50c, the final "prolong_decay" phase):
 * widths, depths and heads from its pretraining README's size table, and from the configs
 * every field that changes the math — GeGLU, no biases, LayerNorm ε 1e-5 without bias,
 * a sliding window of 128 (64 keys each side) on all but every third layer, RoPE base 160000
 * on global layers, and on local layers 160000 for the encoders but 10000 for the 17m, 68m
 * and 400m decoders (their decay phase resets the local base; the 150m decoder's config
 * sets no local base, so it keeps the global 160000), and 7,999 positions. Hugging Face
 * spells these `global_rope_theta`, `local_rope_theta`, `local_attention` and
 * `global_attn_every_n_layers`. Token ids are the shared tokenizer's.
 */
interface EttinSize {
  readonly size: '17m' | '68m' | '150m' | '400m';
  readonly hidden: number;
  readonly layers: number;
  readonly intermediate: number;
  readonly heads: number;
  /** Local-attention RoPE base of the decoder (the encoders use 160000 throughout). */
  readonly decoderLocalTheta: number;
  /** The training config the math-changing fields were read from, under pretraining/configs/standard/. */
  readonly configDir: string;
}

const SIZES: readonly EttinSize[] = [
  { size: '17m', hidden: 256, layers: 7, intermediate: 384, heads: 4, decoderLocalTheta: 10_000, configDir: 'very_tiny' },
  { size: '68m', hidden: 512, layers: 19, intermediate: 768, heads: 8, decoderLocalTheta: 10_000, configDir: 'mini' },
  { size: '150m', hidden: 768, layers: 22, intermediate: 1152, heads: 12, decoderLocalTheta: 160_000, configDir: 'base' },
  { size: '400m', hidden: 1024, layers: 28, intermediate: 2624, heads: 16, decoderLocalTheta: 10_000, configDir: 'large' },
];

const REFERENCE = 'JHU-CLSP/ettin-encoder-vs-decoder@86fe50c';

/** Fields shared by every Ettin encoder and decoder. */
function sharedFields(size: EttinSize): Record<string, unknown> {
  return {
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: 50281,
    cls_token_id: 50281,
    decoder_bias: true,
    embedding_dropout: 0.0,
    eos_token_id: 50282,
    global_attn_every_n_layers: 3,
    global_rope_theta: 160000.0,
    hidden_activation: 'gelu',
    hidden_size: size.hidden,
    initializer_cutoff_factor: 2.0,
    initializer_range: 0.02,
    intermediate_size: size.intermediate,
    local_attention: 128,
    max_position_embeddings: 7999,
    mlp_bias: false,
    mlp_dropout: 0.0,
    norm_bias: false,
    norm_eps: 1e-5,
    num_attention_heads: size.heads,
    num_hidden_layers: size.layers,
    pad_token_id: 50283,
    sep_token_id: 50282,
    tie_word_embeddings: true,
    vocab_size: 50368,
  };
}

function decoderPreset(size: EttinSize): PaperPreset {
  return {
    source: `jhu-clsp/ettin-decoder-${size.size}`,
    reference: `${REFERENCE} pretraining/configs/standard/${size.configDir}/prolong_decay/decoder_${size.configDir}.yaml`,
    kind: 'ar',
    config: { architectures: ['ModernBertDecoderForCausalLM'], model_type: 'modernbert-decoder', ...sharedFields(size), local_rope_theta: size.decoderLocalTheta },
  };
}

function encoderPreset(size: EttinSize): PaperPreset {
  return {
    source: `jhu-clsp/ettin-encoder-${size.size}`,
    reference: `${REFERENCE} pretraining/configs/standard/${size.configDir}/prolong_decay/encoder_${size.configDir}.yaml`,
    kind: 'mlm',
    config: { architectures: ['ModernBertForMaskedLM'], model_type: 'modernbert', ...sharedFields(size), local_rope_theta: 160000.0, sparse_prediction: false },
  };
}

/** `ettin-decoder-<size>` and `ettin-encoder-<size>` presets, in registration order. */
export const ettinPresets: readonly (readonly [string, PaperPreset])[] = SIZES.flatMap((size) => [
  [`ettin-decoder-${size.size}`, decoderPreset(size)] as const,
  [`ettin-encoder-${size.size}`, encoderPreset(size)] as const,
]);
