import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activation.js';

/** GPT-2's config.json, typed. Field names follow the meaning, not GPT-2's abbreviations. */
export interface Gpt2Config {
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly activation: ActivationName;
  readonly layerNormEpsilon: number;
  /** Divide scores by √headDim (`scale_attn_weights`). */
  readonly scaleAttentionWeights: boolean;
  /** Also divide scores of block i by i + 1 (`scale_attn_by_inverse_layer_idx`). */
  readonly scaleByInverseLayerIndex: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly initializerRange: number;
}

/** Reads GPT-2's config.json (either the n_* spelling or the attribute-map aliases). */
export function parseGpt2Config(raw: unknown, source: string): ParsedConfig<Gpt2Config> {
  const reader = new ConfigReader(raw, source);
  const hiddenSize = reader.integer(['n_embd', 'hidden_size']);
  const numHeads = reader.integer(['n_head', 'num_attention_heads']);
  if (hiddenSize % numHeads !== 0) reader.unsupported('n_embd', hiddenSize, `a multiple of n_head (${numHeads})`);
  const vocabSize = reader.integer('vocab_size', 50257);
  const config: Gpt2Config = {
    vocabSize,
    maxPositions: reader.integer(['n_positions', 'max_position_embeddings'], 1024),
    hiddenSize,
    numLayers: reader.integer(['n_layer', 'num_hidden_layers']),
    numHeads,
    intermediateSize: reader.has('n_inner') ? reader.integer('n_inner') : (reader.raw('n_inner'), 4 * hiddenSize),
    activation: reader.choice('activation_function', ACTIVATION_NAMES, 'gelu_new'),
    layerNormEpsilon: reader.positiveNumber('layer_norm_epsilon', 1e-5),
    scaleAttentionWeights: reader.boolean('scale_attn_weights', true),
    scaleByInverseLayerIndex: reader.boolean('scale_attn_by_inverse_layer_idx', false),
    tieWordEmbeddings: reader.boolean('tie_word_embeddings', true),
    bosTokenId: reader.optionalInteger('bos_token_id') ?? vocabSize - 1,
    eosTokenId: reader.optionalInteger('eos_token_id') ?? vocabSize - 1,
    initializerRange: reader.positiveNumber('initializer_range', 0.02),
  };
  // n_ctx is the legacy alias of n_positions; reorder_and_upcast_attn only changes the
  // precision of PyTorch's matmul, which float32 here already matches; summary_* belong
  // to the double-heads classification head.
  reader.ignore('n_ctx', 'reorder_and_upcast_attn', 'summary_type', 'summary_use_proj', 'summary_activation', 'summary_proj_to_labels', 'summary_first_dropout');
  return reader.finish(config);
}
