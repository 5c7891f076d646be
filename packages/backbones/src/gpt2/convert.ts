import { layerParameter } from '../base/parameter-groups.js';
import { checkpointPrefix, linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import type { Gpt2Config } from './config.js';

/**
 * Hugging Face GPT-2 names → ours. GPT-2's Conv1D weights are already [in, out], so they
 * are used as stored; `c_attn` is already the fused `[q | k | v]` projection.
 */
export function gpt2ParameterRules(config: Gpt2Config, tensorNames?: readonly string[]): ParameterRule[] {
  // GPT2LMHeadModel stores the body under `transformer.`; GPT2Model has no prefix.
  const prefix = checkpointPrefix('transformer.', tensorNames);
  const d = config.hiddenSize;
  const inner = config.intermediateSize;
  const rules: ParameterRule[] = [
    stored('embeddings.tokens', `${prefix}wte.weight`, [config.vocabSize, d]),
    stored('embeddings.positions', `${prefix}wpe.weight`, [config.maxPositions, d]),
  ];
  for (let i = 0; i < config.numLayers; i++) {
    const from = `${prefix}h.${i}.`;
    const to = (path: string) => layerParameter(i, path);
    rules.push(
      vector(to('attentionNorm.weight'), [`${from}ln_1.weight`], [d], 'ones'),
      vector(to('attentionNorm.bias'), [`${from}ln_1.bias`], [d], 'zeros'),
      stored(to('attention.queryKeyValue.weight'), `${from}attn.c_attn.weight`, [d, 3 * d]),
      vector(to('attention.queryKeyValue.bias'), [`${from}attn.c_attn.bias`], [3 * d], 'zeros'),
      stored(to('attention.output.weight'), `${from}attn.c_proj.weight`, [d, d]),
      vector(to('attention.output.bias'), [`${from}attn.c_proj.bias`], [d], 'zeros'),
      vector(to('mlpNorm.weight'), [`${from}ln_2.weight`], [d], 'ones'),
      vector(to('mlpNorm.bias'), [`${from}ln_2.bias`], [d], 'zeros'),
      stored(to('mlp.up.weight'), `${from}mlp.c_fc.weight`, [d, inner]),
      vector(to('mlp.up.bias'), [`${from}mlp.c_fc.bias`], [inner], 'zeros'),
      stored(to('mlp.down.weight'), `${from}mlp.c_proj.weight`, [inner, d]),
      vector(to('mlp.down.bias'), [`${from}mlp.c_proj.bias`], [d], 'zeros'),
    );
  }
  rules.push(vector('finalNorm.weight', [`${prefix}ln_f.weight`], [d], 'ones'), vector('finalNorm.bias', [`${prefix}ln_f.bias`], [d], 'zeros'));
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', ['lm_head.weight'], [config.vocabSize], d));
  return rules;
}

/**
 * Tensors GPT-2 checkpoints carry that are not parameters: the causal-mask buffers
 * `attn.bias`/`attn.masked_bias` of old exports, and a tied `lm_head.weight` duplicate.
 */
export function isIgnorableGpt2Tensor(name: string): boolean {
  return /(^|\.)h\.\d+\.attn\.(masked_)?bias$/.test(name) || name === 'lm_head.weight';
}
