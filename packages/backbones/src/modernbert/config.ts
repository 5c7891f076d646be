import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activation.js';
import { parseRopeObject } from '../llama/config.js';

/** Attention of one ModernBERT layer: full (global) or a sliding window (local). */
export interface ModernBertLayerAttention {
  readonly kind: 'global' | 'local';
  readonly ropeTheta: number;
}

/** ModernBERT's config.json, typed. */
export interface ModernBertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly maxPositions: number;
  readonly activation: ActivationName;
  /** One entry per layer. */
  readonly layers: readonly ModernBertLayerAttention[];
  /** Local layers: a query sees keys with |query − key| ≤ this (`local_attention // 2`). */
  readonly localWindowHalfWidth: number;
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

const GLOBAL_THETA = 160_000;
const LOCAL_THETA = 10_000;

/** θ of one attention kind from the newer `rope_parameters[kind]`, refusing frequency scaling. */
function thetaFromParameters(reader: ConfigReader, parameters: Record<string, unknown>, kind: 'full_attention' | 'sliding_attention', fallback: number): number {
  const entry = parameters[kind];
  if (entry === undefined || entry === null) return fallback;
  if (parseRopeObject(reader, `rope_parameters.${kind}`, entry) !== null) {
    reader.unsupported(`rope_parameters.${kind}.rope_type`, (entry as Record<string, unknown>).rope_type, "'default'");
  }
  const theta = (entry as Record<string, unknown>).rope_theta ?? fallback;
  if (typeof theta !== 'number' || !(theta > 0)) reader.unsupported(`rope_parameters.${kind}.rope_theta`, theta, 'a number > 0');
  return theta;
}

/**
 * Reads ModernBERT's config.json. The layer layout comes from `layer_types` when present
 * (newer exports), else layer i is global iff i % `global_attn_every_n_layers` == 0; RoPE
 * θ is `global_rope_theta` on global layers and `local_rope_theta` on local layers (10000
 * when the key is absent, as in transformers; the global θ only when it is an explicit null),
 * or the newer `rope_parameters` per attention kind.
 */
export function parseModernBertConfig(raw: unknown, source: string): ParsedConfig<ModernBertConfig> {
  const reader = new ConfigReader(raw, source);
  const hiddenSize = reader.integer('hidden_size');
  const numHeads = reader.integer('num_attention_heads');
  if (hiddenSize % numHeads !== 0) reader.unsupported('hidden_size', hiddenSize, `a multiple of num_attention_heads (${numHeads})`);
  if ((hiddenSize / numHeads) % 2 !== 0) reader.unsupported('hidden_size / num_attention_heads', hiddenSize / numHeads, 'an even head dim (RoPE rotates pairs)');
  const numLayers = reader.integer('num_hidden_layers');
  if (reader.has('rope_scaling')) reader.unsupported('rope_scaling', reader.raw('rope_scaling')?.value, 'null for modernbert');
  reader.ignore('rope_scaling');

  let globalTheta = reader.positiveNumber('global_rope_theta', GLOBAL_THETA);
  const ropeParameters = reader.raw('rope_parameters');
  if (ropeParameters) globalTheta = thetaFromParameters(reader, ropeParameters.value as Record<string, unknown>, 'full_attention', globalTheta);
  const legacyLocal = reader.numberOrNull('local_rope_theta', LOCAL_THETA);
  if (legacyLocal !== null && !(legacyLocal > 0)) reader.unsupported('local_rope_theta', legacyLocal, 'a number > 0, or null for the global θ');
  let localTheta = legacyLocal ?? globalTheta;
  if (ropeParameters) localTheta = thetaFromParameters(reader, ropeParameters.value as Record<string, unknown>, 'sliding_attention', localTheta);

  let kinds: ('global' | 'local')[];
  const layerTypes = reader.raw('layer_types');
  if (layerTypes) {
    const list = layerTypes.value;
    if (!Array.isArray(list) || list.length !== numLayers || list.some((entry) => entry !== 'full_attention' && entry !== 'sliding_attention')) {
      reader.unsupported('layer_types', list, `${numLayers} entries of 'full_attention' or 'sliding_attention'`);
    }
    kinds = (list as string[]).map((entry) => (entry === 'full_attention' ? 'global' : 'local'));
    reader.ignore('global_attn_every_n_layers');
  } else {
    const every = reader.integer('global_attn_every_n_layers', 3);
    kinds = Array.from({ length: numLayers }, (_, i) => (i % every === 0 ? 'global' : 'local'));
  }
  const localAttention = reader.integer('local_attention', 128);

  const config: ModernBertConfig = {
    vocabSize: reader.integer('vocab_size'),
    hiddenSize,
    intermediateSize: reader.integer('intermediate_size'),
    numLayers,
    numHeads,
    maxPositions: reader.integer('max_position_embeddings', 8192),
    activation: reader.choice('hidden_activation', ACTIVATION_NAMES, 'gelu'),
    layers: kinds.map((kind) => ({ kind, ropeTheta: kind === 'global' ? globalTheta : localTheta })),
    localWindowHalfWidth: Math.floor(localAttention / 2),
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
  // Pooling, sparse prediction, flash-attention determinism and compilation only matter
  // for classification heads, training or PyTorch kernels; the init cutoff only for init.
  reader.ignore(
    'classifier_pooling',
    'sparse_prediction',
    'sparse_pred_ignore_index',
    'deterministic_flash_attn',
    'reference_compile',
    'repad_logits_with_grad',
    'initializer_cutoff_factor',
  );
  return reader.finish(config);
}
