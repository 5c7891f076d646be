import { layerParameter } from '../base/parameter-groups.js';
import { linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import type { ModernBertConfig } from './config.js';

/**
 * Hugging Face ModernBERT names → ours. `Wqkv` is already the fused `[q | k | v]`
 * projection and `Wi` the fused `[input | gate]` GeGLU projection. Layer 0 has no
 * `attn_norm`; norms carry a bias only with `norm_bias`; the decoder is tied to the token
 * embeddings and has a bias with `decoder_bias`.
 */
export function modernBertParameterRules(config: ModernBertConfig): ParameterRule[] {
  const d = config.hiddenSize;
  const inner = config.intermediateSize;
  const norm = (to: string, from: string) => [
    vector(`${to}.weight`, [`${from}.weight`], [d], 'ones'),
    ...(config.normBias ? [vector(`${to}.bias`, [`${from}.bias`], [d], 'zeros')] : []),
  ];
  const linear = (to: string, from: string, out: number, input: number, bias: boolean) => [
    linearWeight(`${to}.weight`, [`${from}.weight`], [out], input),
    ...(bias ? [vector(`${to}.bias`, [`${from}.bias`], [out], 'zeros')] : []),
  ];
  const rules: ParameterRule[] = [stored('embeddings.tokens', 'model.embeddings.tok_embeddings.weight', [config.vocabSize, d]), ...norm('embeddings.norm', 'model.embeddings.norm')];
  for (let i = 0; i < config.numLayers; i++) {
    const from = (path: string) => `model.layers.${i}.${path}`;
    const to = (path: string) => layerParameter(i, path);
    if (i > 0) rules.push(...norm(to('attentionNorm'), from('attn_norm')));
    rules.push(
      ...linear(to('attention.queryKeyValue'), from('attn.Wqkv'), 3 * d, d, config.attentionBias),
      ...linear(to('attention.output'), from('attn.Wo'), d, d, config.attentionBias),
      ...norm(to('mlpNorm'), from('mlp_norm')),
      ...linear(to('mlp.gateAndUp'), from('mlp.Wi'), 2 * inner, d, config.mlpBias),
      ...linear(to('mlp.down'), from('mlp.Wo'), d, inner, config.mlpBias),
    );
  }
  rules.push(
    ...norm('finalNorm', 'model.final_norm'),
    ...linear('headTransform.dense', 'head.dense', d, d, config.classifierBias),
    ...norm('headTransform.norm', 'head.norm'),
  );
  if (config.decoderBias) rules.push(vector('head.bias', ['decoder.bias'], [config.vocabSize], 'zeros'));
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', ['decoder.weight'], [config.vocabSize], d));
  return rules;
}

/** A tied `decoder.weight` duplicate is known and unused. */
export function isIgnorableModernBertTensor(name: string): boolean {
  return name === 'decoder.weight';
}
