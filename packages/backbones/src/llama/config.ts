import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activation.js';
import type { RopeScaling } from '../layers/rotary-embedding.js';

/** Which norm a Llama-style decoder uses: Llama's RMSNorm, or OLMo's LayerNorm without parameters. */
export type DecoderNorm = { readonly kind: 'rms'; readonly epsilon: number } | { readonly kind: 'non-parametric-layer'; readonly epsilon: number };

/**
 * The typed config of a Llama-style decoder (Llama, OLMo): RoPE, gated MLP, pre-norm
 * blocks, GQA. OLMo's config maps onto the same type with its own norm and `clip_qkv`.
 */
export interface LlamaConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly maxPositions: number;
  readonly rope: RopeSettings;
  readonly norm: DecoderNorm;
  readonly activation: ActivationName;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  /** OLMo: clamp projected q, k, v to [−clipQkv, clipQkv]; null for none. */
  readonly clipQkv: number | null;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number;
  readonly eosTokenId: number | null;
  readonly initializerRange: number;
}

/** RoPE settings: the base θ and an optional frequency scaling. */
export interface RopeSettings {
  readonly theta: number;
  readonly scaling: RopeScaling | null;
}

/**
 * Reads one RoPE parameter object (`rope_scaling`, or the newer `rope_parameters`):
 * `default` means no scaling; `linear` and `llama3` only rescale frequencies and are
 * implemented; other types (dynamic, yarn, longrope) are refused with a typed error.
 */
export function parseRopeObject(reader: ConfigReader, key: string, value: unknown): RopeScaling | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reader.unsupported(key, value, 'null or an object');
  const entries = value as Record<string, unknown>;
  const type = entries.rope_type ?? entries.type ?? 'default';
  const number = (name: string): number => {
    const entry = entries[name];
    if (typeof entry !== 'number' || !(entry > 0)) reader.unsupported(`${key}.${name}`, entry, 'a number > 0');
    return entry;
  };
  if (type === 'default') return null;
  if (type === 'linear') return { type: 'linear', factor: number('factor') };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: number('factor'),
      lowFrequencyFactor: number('low_freq_factor'),
      highFrequencyFactor: number('high_freq_factor'),
      originalMaxPositions: number('original_max_position_embeddings'),
    };
  }
  return reader.unsupported(`${key}.rope_type`, type, "'default', 'linear', 'llama3'");
}

/** θ and scaling from `rope_theta` + `rope_scaling`, or from a newer config's `rope_parameters`. */
export function readRope(reader: ConfigReader, defaultTheta: number): RopeSettings {
  const parameters = reader.raw('rope_parameters');
  if (parameters) {
    reader.ignore('rope_scaling');
    const theta = (parameters.value as Record<string, unknown>)?.rope_theta ?? reader.number('rope_theta', defaultTheta);
    if (typeof theta !== 'number' || !(theta > 0)) reader.unsupported('rope_parameters.rope_theta', theta, 'a number > 0');
    reader.ignore('rope_theta');
    return { theta, scaling: parseRopeObject(reader, 'rope_parameters', parameters.value) };
  }
  const scaling = reader.raw('rope_scaling');
  return { theta: reader.positiveNumber('rope_theta', defaultTheta), scaling: scaling ? parseRopeObject(reader, 'rope_scaling', scaling.value) : null };
}

/** The fields Llama and OLMo configs share. */
export function readDecoderConfig(reader: ConfigReader, norm: DecoderNorm, defaults: { readonly tieWordEmbeddings: boolean; readonly bosTokenId: number | null }): LlamaConfig {
  const hiddenSize = reader.integer('hidden_size');
  const numHeads = reader.integer('num_attention_heads');
  const numKeyValueHeads = reader.integer('num_key_value_heads', numHeads);
  if (numHeads % numKeyValueHeads !== 0) reader.unsupported('num_key_value_heads', numKeyValueHeads, `a divisor of num_attention_heads (${numHeads})`);
  const headDim = reader.integer('head_dim', hiddenSize / numHeads);
  if (headDim % 2 !== 0) reader.unsupported('head_dim', headDim, 'an even number (RoPE rotates pairs)');
  if (reader.has('pretraining_tp') && reader.number('pretraining_tp') !== 1) reader.unsupported('pretraining_tp', reader.number('pretraining_tp'), '1');
  reader.ignore('pretraining_tp');
  const clip = reader.optionalNumber('clip_qkv');
  if (clip !== null && !(clip > 0)) reader.unsupported('clip_qkv', clip, 'null or a number > 0');
  const eosTokenId = reader.optionalInteger('eos_token_id');
  return {
    vocabSize: reader.integer('vocab_size'),
    hiddenSize,
    intermediateSize: reader.integer('intermediate_size'),
    numLayers: reader.integer('num_hidden_layers'),
    numHeads,
    numKeyValueHeads,
    headDim,
    maxPositions: reader.integer('max_position_embeddings', 2048),
    rope: readRope(reader, 10000),
    norm,
    activation: reader.choice('hidden_act', ACTIVATION_NAMES, 'silu'),
    attentionBias: reader.boolean('attention_bias', false),
    mlpBias: reader.boolean('mlp_bias', false),
    clipQkv: clip,
    tieWordEmbeddings: reader.boolean('tie_word_embeddings', defaults.tieWordEmbeddings),
    bosTokenId: reader.optionalInteger('bos_token_id') ?? defaults.bosTokenId ?? eosTokenId ?? 0,
    eosTokenId,
    initializerRange: reader.positiveNumber('initializer_range', 0.02),
  };
}

/** Reads Llama's config.json. */
export function parseLlamaConfig(raw: unknown, source: string): ParsedConfig<LlamaConfig> {
  const reader = new ConfigReader(raw, source);
  const config = readDecoderConfig(reader, { kind: 'rms', epsilon: reader.positiveNumber('rms_norm_eps', 1e-6) }, { tieWordEmbeddings: false, bosTokenId: 1 });
  if (config.clipQkv !== null) reader.unsupported('clip_qkv', config.clipQkv, 'absent for llama (it is an OLMo option)');
  return reader.finish(config);
}
