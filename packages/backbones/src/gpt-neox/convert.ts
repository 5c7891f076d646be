import { layerParameter } from '../base/parameter-groups.js';
import { checkpointPrefix, linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import type { CheckpointTensor } from '../parameters/host-parameters.js';
import { isSameTensor } from '../parameters/same-tensor.js';
import type { GptNeoXConfig } from './config.js';

const PREFIX = 'gpt_neox.';
const HEAD = 'embed_out.weight';

/**
 * Hugging Face GPT-NeoX names → ours. `query_key_value` is kept as stored, its rows
 * interleaved per head (`[q₀ k₀ v₀ | q₁ k₁ v₁ | …]`); the model regroups them after the
 * projection (`fusedLayout: 'per-head'`). The MLP always has biases; attention has them
 * with `attention_bias`. `GPTNeoXForCausalLM` stores the body under `gpt_neox.`, the bare
 * `GPTNeoXModel` without a prefix.
 */
export function gptNeoXParameterRules(config: GptNeoXConfig, tensorNames?: readonly string[]): ParameterRule[] {
  const prefix = checkpointPrefix(PREFIX, tensorNames);
  const d = config.hiddenSize;
  const inner = config.intermediateSize;
  const norm = (to: string, from: string) => [vector(`${to}.weight`, [`${from}.weight`], [d], 'ones'), vector(`${to}.bias`, [`${from}.bias`], [d], 'zeros')];
  const linear = (to: string, from: string, out: number, input: number, bias: boolean) => [
    linearWeight(`${to}.weight`, [`${from}.weight`], [out], input),
    ...(bias ? [vector(`${to}.bias`, [`${from}.bias`], [out], 'zeros')] : []),
  ];
  const rules: ParameterRule[] = [stored('embeddings.tokens', `${prefix}embed_in.weight`, [config.vocabSize, d])];
  for (let i = 0; i < config.numLayers; i++) {
    const from = (path: string) => `${prefix}layers.${i}.${path}`;
    const to = (path: string) => layerParameter(i, path);
    rules.push(
      ...norm(to('attentionNorm'), from('input_layernorm')),
      ...linear(to('attention.queryKeyValue'), from('attention.query_key_value'), 3 * d, d, config.attentionBias),
      ...linear(to('attention.output'), from('attention.dense'), d, d, config.attentionBias),
      ...norm(to('mlpNorm'), from('post_attention_layernorm')),
      ...linear(to('mlp.up'), from('mlp.dense_h_to_4h'), inner, d, true),
      ...linear(to('mlp.down'), from('mlp.dense_4h_to_h'), d, inner, true),
    );
  }
  rules.push(...norm('finalNorm', `${prefix}final_layer_norm`));
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', [HEAD], [config.vocabSize], d));
  return rules;
}

/**
 * Buffers older exports saved (the causal mask `attention.bias`, `attention.masked_bias`,
 * rotary `inv_freq`), and a tied `embed_out.weight` only when it equals `embed_in`.
 */
export function isIgnorableGptNeoXTensor(name: string, tensors: ReadonlyMap<string, CheckpointTensor> = new Map()): boolean {
  if (name === HEAD) return isSameTensor(tensors, name, `${checkpointPrefix(PREFIX, [...tensors.keys()])}embed_in.weight`);
  return /(^|\.)layers\.\d+\.attention\.(bias|masked_bias)$/.test(name) || name.endsWith('rotary_emb.inv_freq');
}
