import type { ConfigReader } from '../config/config-reader.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activation.js';

/**
 * The config fields ModernBERT (`modernbert`) and its decoder (`modernbert-decoder`) share:
 * sizes, norms, biases, activations and the prediction head. They differ in attention
 * layout and RoPE spelling, which each family's config adds.
 */
export interface ModernBertBodyConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly maxPositions: number;
  readonly activation: ActivationName;
  readonly normEpsilon: number;
  readonly normBias: boolean;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  readonly classifierBias: boolean;
  readonly classifierActivation: ActivationName;
  readonly decoderBias: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly initializerRange: number;
}

/**
 * Keys of both families' configs that do not change inference: classification pooling, sparse
 * prediction, flash-attention determinism and compilation only matter for classification
 * heads, training or PyTorch kernels; the truncated-normal cutoff only for init.
 */
export const MODERNBERT_INERT_KEYS = [
  'classifier_pooling',
  'sparse_prediction',
  'sparse_pred_ignore_index',
  'deterministic_flash_attn',
  'reference_compile',
  'repad_logits_with_grad',
  'initializer_cutoff_factor',
] as const;

/** Reads the shared fields with transformers' defaults; the head dim must be even (RoPE rotates pairs). */
export function readModernBertBody(reader: ConfigReader): ModernBertBodyConfig {
  const hiddenSize = reader.integer('hidden_size');
  const numHeads = reader.integer('num_attention_heads');
  if (hiddenSize % numHeads !== 0) reader.unsupported('hidden_size', hiddenSize, `a multiple of num_attention_heads (${numHeads})`);
  if ((hiddenSize / numHeads) % 2 !== 0) reader.unsupported('hidden_size / num_attention_heads', hiddenSize / numHeads, 'an even head dim (RoPE rotates pairs)');
  return {
    vocabSize: reader.integer('vocab_size'),
    hiddenSize,
    intermediateSize: reader.integer('intermediate_size'),
    numLayers: reader.integer('num_hidden_layers'),
    numHeads,
    maxPositions: reader.integer('max_position_embeddings', 8192),
    activation: reader.choice('hidden_activation', ACTIVATION_NAMES, 'gelu'),
    normEpsilon: reader.positiveNumber('norm_eps', 1e-5),
    normBias: reader.boolean('norm_bias', false),
    attentionBias: reader.boolean('attention_bias', false),
    mlpBias: reader.boolean('mlp_bias', false),
    classifierBias: reader.boolean('classifier_bias', false),
    classifierActivation: reader.choice('classifier_activation', ACTIVATION_NAMES, 'gelu'),
    decoderBias: reader.boolean('decoder_bias', true),
    tieWordEmbeddings: reader.boolean('tie_word_embeddings', true),
    initializerRange: reader.positiveNumber('initializer_range', 0.02),
  };
}

/**
 * Each layer's attention kind: from `layer_types` when present, else layer i is
 * `full_attention` iff i % `global_attn_every_n_layers` (default 3) == 0, as transformers
 * builds the list for both families.
 */
export function readLayerKinds(reader: ConfigReader, numLayers: number): ('full' | 'sliding')[] {
  const layerTypes = reader.raw('layer_types');
  if (!layerTypes) {
    const every = reader.integer('global_attn_every_n_layers', 3);
    return Array.from({ length: numLayers }, (_, i) => (i % every === 0 ? 'full' : 'sliding'));
  }
  const list = layerTypes.value;
  if (!Array.isArray(list) || list.length !== numLayers || list.some((entry) => entry !== 'full_attention' && entry !== 'sliding_attention')) {
    reader.unsupported('layer_types', list, `${numLayers} entries of 'full_attention' or 'sliding_attention'`);
  }
  reader.ignore('global_attn_every_n_layers');
  return (list as string[]).map((entry) => (entry === 'full_attention' ? 'full' : 'sliding'));
}
