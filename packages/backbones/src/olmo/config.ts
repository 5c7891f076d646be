import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { readDecoderConfig, type LlamaConfig } from '../llama/config.js';

/**
 * OLMo (the Hugging Face port of OLMo-1, `model_type: olmo`) is a Llama-style decoder
 * whose norms are LayerNorms without weight or bias at a fixed ε = 1e-5, with optional
 * `clip_qkv`. Its config therefore reads into `LlamaConfig`.
 */
export type OlmoConfig = LlamaConfig;

/** OlmoLayerNorm's fixed epsilon (the config has no key for it). */
export const OLMO_NORM_EPSILON = 1e-5;

export function parseOlmoConfig(raw: unknown, source: string): ParsedConfig<OlmoConfig> {
  const reader = new ConfigReader(raw, source);
  const config = readDecoderConfig(reader, { kind: 'non-parametric-layer', epsilon: OLMO_NORM_EPSILON }, { tieWordEmbeddings: false, bosTokenId: null });
  return reader.finish(config);
}
