import { layerParameter } from '../base/parameter-groups.js';
import { linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import type { LlamaConfig } from './config.js';

/**
 * Hugging Face Llama names (`model.layers.N.self_attn.q_proj.weight`, ...) → ours. q, k and
 * v are fused into one `[q | k | v]` weight and gate/up into one `[gate | up]` weight at
 * load, so a block runs two matmuls where the checkpoint has five. Norm weights exist only
 * for RMSNorm (OLMo's LayerNorm has none).
 */
export function llamaParameterRules(config: LlamaConfig): ParameterRule[] {
  const d = config.hiddenSize;
  const queryWidth = config.numHeads * config.headDim;
  const keyValueWidth = config.numKeyValueHeads * config.headDim;
  const inner = config.intermediateSize;
  const hasNormWeights = config.norm.kind === 'rms';
  const rules: ParameterRule[] = [stored('embeddings.tokens', 'model.embed_tokens.weight', [config.vocabSize, d])];
  for (let i = 0; i < config.numLayers; i++) {
    const from = (path: string) => `model.layers.${i}.${path}`;
    const to = (path: string) => layerParameter(i, path);
    const attention = ['q_proj', 'k_proj', 'v_proj'].map((name) => from(`self_attn.${name}`));
    const attentionWidths = [queryWidth, keyValueWidth, keyValueWidth];
    if (hasNormWeights) rules.push(vector(to('attentionNorm.weight'), [from('input_layernorm.weight')], [d], 'ones'));
    rules.push(linearWeight(to('attention.queryKeyValue.weight'), attention.map((name) => `${name}.weight`), attentionWidths, d));
    if (config.attentionBias) rules.push(vector(to('attention.queryKeyValue.bias'), attention.map((name) => `${name}.bias`), attentionWidths, 'zeros'));
    rules.push(linearWeight(to('attention.output.weight'), [from('self_attn.o_proj.weight')], [d], queryWidth));
    if (config.attentionBias) rules.push(vector(to('attention.output.bias'), [from('self_attn.o_proj.bias')], [d], 'zeros'));
    if (hasNormWeights) rules.push(vector(to('mlpNorm.weight'), [from('post_attention_layernorm.weight')], [d], 'ones'));
    rules.push(linearWeight(to('mlp.gateAndUp.weight'), [from('mlp.gate_proj.weight'), from('mlp.up_proj.weight')], [inner, inner], d));
    if (config.mlpBias) rules.push(vector(to('mlp.gateAndUp.bias'), [from('mlp.gate_proj.bias'), from('mlp.up_proj.bias')], [inner, inner], 'zeros'));
    rules.push(linearWeight(to('mlp.down.weight'), [from('mlp.down_proj.weight')], [d], inner));
    if (config.mlpBias) rules.push(vector(to('mlp.down.bias'), [from('mlp.down_proj.bias')], [d], 'zeros'));
  }
  if (hasNormWeights) rules.push(vector('finalNorm.weight', ['model.norm.weight'], [d], 'ones'));
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', ['lm_head.weight'], [config.vocabSize], d));
  return rules;
}

/** Rotary inverse-frequency buffers of old exports and a tied `lm_head.weight` duplicate. */
export function isIgnorableLlamaTensor(name: string): boolean {
  return name.endsWith('rotary_emb.inv_freq') || name === 'lm_head.weight';
}
