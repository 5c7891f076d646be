import { layerParameter } from '../base/parameter-groups.js';
import { modernBertBodyRules } from '../modernbert/body-rules.js';
import type { CheckpointTensor } from '../parameters/host-parameters.js';
import { linearWeight, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import { isSameTensor } from '../parameters/same-tensor.js';
import type { ModernBertDecoderConfig } from './config.js';

/**
 * Hugging Face `ModernBertDecoderForCausalLM` names → ours: ModernBERT's, except that the
 * decoder stores `q_proj`, `k_proj` and `v_proj` (concatenated here into one `[q | k | v]`
 * weight, and biases with `attention_bias`) and its prediction head is `lm_head`.
 */
export function modernBertDecoderParameterRules(config: ModernBertDecoderConfig): ParameterRule[] {
  const d = config.hiddenSize;
  return modernBertBodyRules(config, 'lm_head', (i) => {
    const projections = ['q_proj', 'k_proj', 'v_proj'].map((name) => `model.layers.${i}.attn.${name}`);
    const to = layerParameter(i, 'attention.queryKeyValue');
    return [
      linearWeight(`${to}.weight`, projections.map((name) => `${name}.weight`), [d, d, d], d),
      ...(config.attentionBias ? [vector(`${to}.bias`, projections.map((name) => `${name}.bias`), [d, d, d], 'zeros')] : []),
    ];
  });
}

/** A tied `decoder.weight` saved anyway is skipped quietly only when it equals the embeddings. */
export function isIgnorableModernBertDecoderTensor(name: string, tensors: ReadonlyMap<string, CheckpointTensor> = new Map()): boolean {
  return name === 'decoder.weight' && isSameTensor(tensors, name, 'model.embeddings.tok_embeddings.weight');
}
