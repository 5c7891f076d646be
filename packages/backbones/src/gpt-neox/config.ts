import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { refuseAsCheckpointError } from '../config/refuse-as-checkpoint-error.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activation.js';
import type { RopeScaling } from '../layers/rotary-embedding.js';
import { parseRopeObject } from '../llama/config.js';

/** GPT-NeoX's (Pythia's) config.json, typed. */
export interface GptNeoXConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly maxPositions: number;
  /** Channels of each head that RoPE rotates: ⌊headDim · partial factor⌋ (0 = no rotation). */
  readonly rotaryDimension: number;
  readonly ropeTheta: number;
  readonly ropeScaling: RopeScaling | null;
  readonly activation: ActivationName;
  readonly layerNormEpsilon: number;
  /** `x + attn(ln₁(x)) + mlp(ln₂(x))` instead of the sequential `x + attn(…)`, then `+ mlp(ln₂(…))`. */
  readonly parallelResidual: boolean;
  /** Biases of `query_key_value` and `dense`. */
  readonly attentionBias: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number;
  readonly eosTokenId: number | null;
  readonly initializerRange: number;
}

type Entries = Record<string, unknown>;

/**
 * The rotary settings, as transformers resolves them: the object is `rope_scaling` (older
 * configs) or else `rope_parameters`; its `rope_theta` and `partial_rotary_factor` win, with
 * the Hub spelling `rotary_emb_base` / `rotary_pct` (and top-level `rope_theta` /
 * `partial_rotary_factor`) as fallbacks, then 10000 and 0.25. Scaling types other than
 * `default`, `linear` and `llama3` are refused.
 */
function readRotary(reader: ConfigReader, headDim: number): Pick<GptNeoXConfig, 'rotaryDimension' | 'ropeTheta' | 'ropeScaling'> {
  const found = reader.raw(['rope_scaling', 'rope_parameters']);
  reader.ignore('rope_scaling', 'rope_parameters');
  if (found && (typeof found.value !== 'object' || Array.isArray(found.value))) reader.unsupported(found.key, found.value, 'null or an object');
  const entries = (found?.value ?? {}) as Entries;
  const fallbackTheta = reader.positiveNumber(['rotary_emb_base', 'rope_theta'], 10000);
  reader.ignore('rotary_emb_base', 'rope_theta');
  const fallbackFactor = reader.number(['rotary_pct', 'partial_rotary_factor'], 0.25);
  reader.ignore('rotary_pct', 'partial_rotary_factor');
  const key = found?.key ?? 'rope_parameters';
  const theta = entries.rope_theta ?? fallbackTheta;
  if (typeof theta !== 'number' || !(theta > 0) || !Number.isFinite(theta)) reader.unsupported(`${key}.rope_theta`, theta, 'a finite number > 0');
  const factor = entries.partial_rotary_factor ?? fallbackFactor;
  const factorKey = entries.partial_rotary_factor === undefined ? 'rotary_pct' : `${key}.partial_rotary_factor`;
  if (typeof factor !== 'number' || !(factor >= 0 && factor <= 1)) reader.unsupported(factorKey, factor, 'a number from 0 to 1');
  const rotaryDimension = Math.floor(headDim * factor);
  if (rotaryDimension % 2 !== 0) reader.unsupported(factorKey, factor, `a fraction of the head dim ${headDim} that gives an even rotary width (got ${rotaryDimension})`);
  return { rotaryDimension, ropeTheta: theta, ropeScaling: found ? parseRopeObject(reader, key, found.value) : null };
}

/**
 * Reads GPT-NeoX's config.json in either spelling (transformers 5's `rope_parameters`, or
 * the Hub's `rotary_pct` / `rotary_emb_base`). Every key that changes the computation is
 * read: parallel or sequential residual, partial RoPE and its base and scaling, attention
 * biases, LayerNorm ε, activation, tied or untied `embed_out`.
 */
function readGptNeoXConfig(raw: unknown, source: string): ParsedConfig<GptNeoXConfig> {
  const reader = new ConfigReader(raw, source);
  const hiddenSize = reader.integer('hidden_size');
  const numHeads = reader.integer('num_attention_heads');
  if (hiddenSize % numHeads !== 0) reader.unsupported('hidden_size', hiddenSize, `a multiple of num_attention_heads (${numHeads})`);
  const headDim = hiddenSize / numHeads;
  const eosTokenId = reader.optionalInteger('eos_token_id');
  const config: GptNeoXConfig = {
    vocabSize: reader.integer('vocab_size'),
    hiddenSize,
    intermediateSize: reader.integer('intermediate_size'),
    numLayers: reader.integer('num_hidden_layers'),
    numHeads,
    headDim,
    maxPositions: reader.integer('max_position_embeddings', 2048),
    ...readRotary(reader, headDim),
    activation: reader.choice('hidden_act', ACTIVATION_NAMES, 'gelu'),
    layerNormEpsilon: reader.positiveNumber('layer_norm_eps', 1e-5),
    parallelResidual: reader.boolean('use_parallel_residual', true),
    attentionBias: reader.boolean('attention_bias', true),
    tieWordEmbeddings: reader.boolean('tie_word_embeddings', false),
    bosTokenId: reader.optionalInteger('bos_token_id') ?? eosTokenId ?? 0,
    eosTokenId,
    initializerRange: reader.positiveNumber('initializer_range', 0.02),
  };
  // GPT-NeoX attention is always causal: `is_decoder` only matters to encoder-decoder wiring.
  reader.ignore('is_decoder');
  return reader.finish(config);
}

/** GPT-NeoX config.json → typed config; a value it cannot honour is a one-line `CheckpointError` naming the key. */
export function parseGptNeoXConfig(raw: unknown, source: string): ParsedConfig<GptNeoXConfig> {
  return refuseAsCheckpointError(source, () => readGptNeoXConfig(raw, source));
}
