import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { parseRopeObject } from '../llama/config.js';
import { MODERNBERT_INERT_KEYS, readLayerKinds, readModernBertBody, type ModernBertBodyConfig } from './body-config.js';

/** Attention of one ModernBERT layer: full (global) or a sliding window (local). */
export interface ModernBertLayerAttention {
  readonly kind: 'global' | 'local';
  readonly ropeTheta: number;
}

/** ModernBERT's config.json, typed. */
export interface ModernBertConfig extends ModernBertBodyConfig {
  /** One entry per layer. */
  readonly layers: readonly ModernBertLayerAttention[];
  /** Local layers: a query sees keys with |query − key| ≤ this (`local_attention // 2`). */
  readonly localWindowHalfWidth: number;
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
  const body = readModernBertBody(reader);
  if (reader.has('rope_scaling')) reader.unsupported('rope_scaling', reader.raw('rope_scaling')?.value, 'null for modernbert');
  reader.ignore('rope_scaling');

  let globalTheta = reader.positiveNumber('global_rope_theta', GLOBAL_THETA);
  const ropeParameters = reader.raw('rope_parameters');
  if (ropeParameters) globalTheta = thetaFromParameters(reader, ropeParameters.value as Record<string, unknown>, 'full_attention', globalTheta);
  const legacyLocal = reader.numberOrNull('local_rope_theta', LOCAL_THETA);
  if (legacyLocal !== null && !(legacyLocal > 0)) reader.unsupported('local_rope_theta', legacyLocal, 'a number > 0, or null for the global θ');
  let localTheta = legacyLocal ?? globalTheta;
  if (ropeParameters) localTheta = thetaFromParameters(reader, ropeParameters.value as Record<string, unknown>, 'sliding_attention', localTheta);

  const kinds = readLayerKinds(reader, body.numLayers);
  const localAttention = reader.integer('local_attention', 128);

  const config: ModernBertConfig = {
    ...body,
    layers: kinds.map((kind) => (kind === 'full' ? { kind: 'global', ropeTheta: globalTheta } : { kind: 'local', ropeTheta: localTheta })),
    localWindowHalfWidth: Math.floor(localAttention / 2),
  };
  reader.ignore(...MODERNBERT_INERT_KEYS);
  return reader.finish(config);
}
