import { layerParameter } from '../base/parameter-groups.js';
import { linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import type { ModernBertBodyConfig } from './body-config.js';

/** Builders of ModernBERT's norm (bias with `norm_bias`) and linear (optional bias) rules. */
export interface ModernBertRuleBuilders {
  norm(to: string, from: string): ParameterRule[];
  linear(to: string, from: string, out: number, input: number, bias: boolean): ParameterRule[];
}

/** The norm and linear rule builders for `config`'s width and `norm_bias`. */
export function modernBertRuleBuilders(config: ModernBertBodyConfig): ModernBertRuleBuilders {
  const d = config.hiddenSize;
  return {
    norm: (to, from) => [vector(`${to}.weight`, [`${from}.weight`], [d], 'ones'), ...(config.normBias ? [vector(`${to}.bias`, [`${from}.bias`], [d], 'zeros')] : [])],
    linear: (to, from, out, input, bias) => [linearWeight(`${to}.weight`, [`${from}.weight`], [out], input), ...(bias ? [vector(`${to}.bias`, [`${from}.bias`], [out], 'zeros')] : [])],
  };
}

/**
 * Every rule of a ModernBERT-style checkpoint except the q/k/v projection, which the
 * encoder stores fused (`Wqkv`) and the decoder split (`q_proj`, `k_proj`, `v_proj`):
 * `attention(layer)` supplies it. Layer 0 has no `attn_norm`; the prediction head sits under
 * `headPrefix` (`head` in the encoder, `lm_head` in the decoder); the vocabulary projection
 * `decoder` is tied to the embeddings unless `tie_word_embeddings` is false, with a bias
 * when `decoder_bias`.
 */
export function modernBertBodyRules(config: ModernBertBodyConfig, headPrefix: string, attention: (layer: number) => ParameterRule[]): ParameterRule[] {
  const d = config.hiddenSize;
  const inner = config.intermediateSize;
  const { norm, linear } = modernBertRuleBuilders(config);
  const rules: ParameterRule[] = [stored('embeddings.tokens', 'model.embeddings.tok_embeddings.weight', [config.vocabSize, d]), ...norm('embeddings.norm', 'model.embeddings.norm')];
  for (let i = 0; i < config.numLayers; i++) {
    const from = (path: string) => `model.layers.${i}.${path}`;
    const to = (path: string) => layerParameter(i, path);
    if (i > 0) rules.push(...norm(to('attentionNorm'), from('attn_norm')));
    rules.push(
      ...attention(i),
      ...linear(to('attention.output'), from('attn.Wo'), d, d, config.attentionBias),
      ...norm(to('mlpNorm'), from('mlp_norm')),
      ...linear(to('mlp.gateAndUp'), from('mlp.Wi'), 2 * inner, d, config.mlpBias),
      ...linear(to('mlp.down'), from('mlp.Wo'), d, inner, config.mlpBias),
    );
  }
  rules.push(...norm('finalNorm', 'model.final_norm'), ...linear('headTransform.dense', `${headPrefix}.dense`, d, d, config.classifierBias), ...norm('headTransform.norm', `${headPrefix}.norm`));
  if (config.decoderBias) rules.push(vector('head.bias', ['decoder.bias'], [config.vocabSize], 'zeros'));
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', ['decoder.weight'], [config.vocabSize], d));
  return rules;
}
