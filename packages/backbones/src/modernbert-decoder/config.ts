import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { refuseAsCheckpointError } from '../config/refuse-as-checkpoint-error.js';
import type { RopeScaling } from '../layers/rotary-embedding.js';
import { parseRopeObject } from '../llama/config.js';
import { MODERNBERT_INERT_KEYS, readLayerKinds, readModernBertBody, type ModernBertBodyConfig } from '../modernbert/body-config.js';

/** RoPE of one attention kind. */
export interface DecoderRope {
  readonly theta: number;
  readonly scaling: RopeScaling | null;
}

/** Attention of one layer: full causal (`full_attention`) or causal within a sliding window. */
export interface ModernBertDecoderLayerAttention {
  readonly kind: 'full' | 'sliding';
  readonly rope: DecoderRope;
}

/** The Ettin decoders' config.json (`ModernBertDecoderForCausalLM`), typed. */
export interface ModernBertDecoderConfig extends ModernBertBodyConfig {
  /** One entry per layer. */
  readonly layers: readonly ModernBertDecoderLayerAttention[];
  /** Sliding layers: query t sees keys s with t − slidingWindow < s ≤ t. */
  readonly slidingWindow: number;
  readonly bosTokenId: number;
}

const GLOBAL_THETA = 160_000;
const LOCAL_THETA = 10_000;
type Entries = Record<string, unknown>;

function asObject(reader: ConfigReader, key: string, value: unknown): Entries {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) reader.unsupported(key, value, 'null or an object');
  return value as Entries;
}

/**
 * RoPE of one attention kind as transformers 5 resolves it: `rope_parameters[kind]`, with
 * the legacy `rope_scaling` merged into both kinds, and θ from that object, else the legacy
 * key (`global_rope_theta` / `local_rope_theta`), else the default.
 */
function readKindRope(reader: ConfigReader, kind: 'full_attention' | 'sliding_attention', parameters: Entries | null, legacyScaling: Entries | null, fallbackTheta: number): DecoderRope {
  const key = parameters?.[kind] !== undefined && parameters[kind] !== null ? `rope_parameters.${kind}` : legacyScaling ? 'rope_scaling' : `rope_parameters.${kind}`;
  const own = parameters?.[kind] === undefined || parameters[kind] === null ? {} : asObject(reader, `rope_parameters.${kind}`, parameters[kind]);
  const merged = { ...own, ...(legacyScaling ?? {}) };
  const theta = merged.rope_theta ?? fallbackTheta;
  if (typeof theta !== 'number' || !Number.isFinite(theta) || !(theta > 0)) reader.unsupported(`${key}.rope_theta`, theta, 'a finite number > 0');
  return { theta, scaling: parseRopeObject(reader, key, merged) };
}

/**
 * Reads a ModernBERT-decoder config.json in the transformers-5 spelling (`layer_types`,
 * `rope_parameters`, `sliding_window`) or the Hub's (`global_attn_every_n_layers`,
 * `global_rope_theta`, `local_rope_theta`, `local_attention`):
 * - layer i is `full_attention` iff i % `global_attn_every_n_layers` == 0 unless `layer_types`
 *   lists the kinds;
 * - the window is `sliding_window` when stored, else `local_attention // 2` keys (the query's
 *   own included), as transformers sets it;
 * - a missing `local_rope_theta` is 10000, an explicit null means the global θ.
 */
function readModernBertDecoderConfig(raw: unknown, source: string): ParsedConfig<ModernBertDecoderConfig> {
  const reader = new ConfigReader(raw, source);
  const body = readModernBertBody(reader);
  const kinds = readLayerKinds(reader, body.numLayers);

  // An explicit null turns windows off in transformers (sliding_window −1): refused below.
  const localAttention = reader.numberOrNull('local_attention', 128) ?? 0;
  if (!Number.isInteger(localAttention) || localAttention < 0) reader.unsupported('local_attention', localAttention, 'an integer >= 0');
  const slidingWindow = reader.has('sliding_window') ? reader.integer('sliding_window', undefined, 0) : Math.floor(localAttention / 2);
  if (kinds.includes('sliding') && slidingWindow < 1) {
    reader.unsupported(reader.has('sliding_window') ? 'sliding_window' : 'local_attention', reader.has('sliding_window') ? slidingWindow : localAttention, 'a window of at least one key on sliding_attention layers');
  }

  const parametersRaw = reader.raw('rope_parameters');
  const parameters = parametersRaw ? asObject(reader, 'rope_parameters', parametersRaw.value) : null;
  const scalingRaw = reader.raw('rope_scaling');
  const legacyScaling = scalingRaw ? asObject(reader, 'rope_scaling', scalingRaw.value) : null;
  const globalTheta = reader.positiveNumber(['global_rope_theta', 'rope_theta'], GLOBAL_THETA);
  const fullRope = readKindRope(reader, 'full_attention', parameters, legacyScaling, globalTheta);
  const localTheta = reader.numberOrNull('local_rope_theta', LOCAL_THETA);
  if (localTheta !== null && !(localTheta > 0)) reader.unsupported('local_rope_theta', localTheta, 'a number > 0, or null for the global θ');
  const slidingRope = readKindRope(reader, 'sliding_attention', parameters, legacyScaling, localTheta ?? fullRope.theta);

  const config: ModernBertDecoderConfig = {
    ...body,
    layers: kinds.map((kind) => ({ kind, rope: kind === 'full' ? fullRope : slidingRope })),
    slidingWindow,
    bosTokenId: reader.optionalInteger('bos_token_id') ?? reader.optionalInteger('cls_token_id') ?? reader.optionalInteger('eos_token_id') ?? 0,
  };
  // GPT-style decoding is always causal here: `is_decoder` only matters to encoder-decoder wiring.
  reader.ignore(...MODERNBERT_INERT_KEYS, 'is_decoder');
  return reader.finish(config);
}

/** ModernBERT-decoder config.json → typed config; a value it cannot honour is a one-line `CheckpointError` naming the key. */
export function parseModernBertDecoderConfig(raw: unknown, source: string): ParsedConfig<ModernBertDecoderConfig> {
  return refuseAsCheckpointError(source, () => readModernBertDecoderConfig(raw, source));
}
