import { layerParameter } from '../base/parameter-groups.js';
import type { ParameterRule } from '../parameters/parameter-rule.js';
import { modernBertBodyRules, modernBertRuleBuilders } from './body-rules.js';
import type { ModernBertConfig } from './config.js';

/**
 * Hugging Face ModernBERT names → ours. `Wqkv` is already the fused `[q | k | v]`
 * projection and `Wi` the fused `[input | gate]` GeGLU projection. Layer 0 has no
 * `attn_norm`; norms carry a bias only with `norm_bias`; the decoder is tied to the token
 * embeddings and has a bias with `decoder_bias`.
 */
export function modernBertParameterRules(config: ModernBertConfig): ParameterRule[] {
  const { linear } = modernBertRuleBuilders(config);
  const d = config.hiddenSize;
  return modernBertBodyRules(config, 'head', (i) => linear(layerParameter(i, 'attention.queryKeyValue'), `model.layers.${i}.attn.Wqkv`, 3 * d, d, config.attentionBias));
}

/** A tied `decoder.weight` duplicate is known and unused. */
export function isIgnorableModernBertTensor(name: string): boolean {
  return name === 'decoder.weight';
}
