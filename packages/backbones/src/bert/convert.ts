import { layerParameter } from '../base/parameter-groups.js';
import { checkpointPrefix, linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import type { BertConfig } from './config.js';

/**
 * Hugging Face BERT names → ours. Query, key and value are fused into one projection; the
 * MLM head is `cls.predictions.transform` (dense → act → LayerNorm) and a decoder tied to
 * the word embeddings whose bias is `cls.predictions.bias`.
 */
export function bertParameterRules(config: BertConfig, tensorNames?: readonly string[]): ParameterRule[] {
  // BertForMaskedLM/BertLMHeadModel store the encoder under `bert.`; BertModel has no prefix.
  const prefix = checkpointPrefix('bert.', tensorNames);
  const d = config.hiddenSize;
  const inner = config.intermediateSize;
  const norm = (to: string, from: string) => [vector(`${to}.weight`, [`${from}.weight`], [d], 'ones'), vector(`${to}.bias`, [`${from}.bias`], [d], 'zeros')];
  const linear = (to: string, from: string, out: number, input: number) => [linearWeight(`${to}.weight`, [`${from}.weight`], [out], input), vector(`${to}.bias`, [`${from}.bias`], [out], 'zeros')];
  const rules: ParameterRule[] = [
    stored('embeddings.tokens', `${prefix}embeddings.word_embeddings.weight`, [config.vocabSize, d]),
    stored('embeddings.positions', `${prefix}embeddings.position_embeddings.weight`, [config.maxPositions, d]),
    stored('embeddings.tokenTypes', `${prefix}embeddings.token_type_embeddings.weight`, [config.typeVocabSize, d]),
    ...norm('embeddings.norm', `${prefix}embeddings.LayerNorm`),
  ];
  for (let i = 0; i < config.numLayers; i++) {
    const from = (path: string) => `${prefix}encoder.layer.${i}.${path}`;
    const to = (path: string) => layerParameter(i, path);
    const attention = ['query', 'key', 'value'].map((name) => from(`attention.self.${name}`));
    rules.push(
      linearWeight(to('attention.queryKeyValue.weight'), attention.map((name) => `${name}.weight`), [d, d, d], d),
      vector(to('attention.queryKeyValue.bias'), attention.map((name) => `${name}.bias`), [d, d, d], 'zeros'),
      ...linear(to('attention.output'), from('attention.output.dense'), d, d),
      ...norm(to('attentionNorm'), from('attention.output.LayerNorm')),
      ...linear(to('mlp.up'), from('intermediate.dense'), inner, d),
      ...linear(to('mlp.down'), from('output.dense'), d, inner),
      ...norm(to('mlpNorm'), from('output.LayerNorm')),
    );
  }
  rules.push(
    ...linear('headTransform.dense', 'cls.predictions.transform.dense', d, d),
    ...norm('headTransform.norm', 'cls.predictions.transform.LayerNorm'),
    vector('head.bias', ['cls.predictions.bias'], [config.vocabSize], 'zeros'),
  );
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', ['cls.predictions.decoder.weight'], [config.vocabSize], d));
  return rules;
}

/**
 * Known tensors BERT does not use here: the decoder's tied duplicates, the position-id
 * buffer, and the next-sentence/pooler heads of pretraining checkpoints.
 */
export function isIgnorableBertTensor(name: string): boolean {
  return (
    name === 'cls.predictions.decoder.weight' ||
    name === 'cls.predictions.decoder.bias' ||
    name.endsWith('embeddings.position_ids') ||
    name.startsWith('cls.seq_relationship.') ||
    /(^|\.)pooler\.dense\.(weight|bias)$/.test(name)
  );
}
