import { layerParameter } from '../base/parameter-groups.js';
import type { CheckpointTensor } from '../parameters/host-parameters.js';
import { checkpointPrefix, linearWeight, stored, vector, type ParameterRule } from '../parameters/parameter-rule.js';
import { isSameTensor } from '../parameters/same-tensor.js';
import type { BertConfig } from './config.js';

const HEAD_BIAS = 'cls.predictions.bias';
const DECODER_BIAS = 'cls.predictions.decoder.bias';
const DECODER_WEIGHT = 'cls.predictions.decoder.weight';

/**
 * Which checkpoint tensor is the MLM logits' bias. transformers 4.x made `decoder.bias` and
 * `cls.predictions.bias` one parameter (saved once, as `cls.predictions.bias`); 5.x keeps
 * two: with tied embeddings `decoder.bias` is tied to `cls.predictions.bias`, untied the
 * decoder (an nn.Linear) adds its own `decoder.bias` and `cls.predictions.bias` is unused.
 * So: untied and present → `decoder.bias`; otherwise `cls.predictions.bias` when present
 * (else `decoder.bias` alone). A fresh model exports what transformers 5.x reads.
 */
function headBiasSource(config: BertConfig, tensorNames?: readonly string[]): string {
  if (!tensorNames) return config.tieWordEmbeddings ? HEAD_BIAS : DECODER_BIAS;
  const has = (name: string) => tensorNames.includes(name);
  if (!config.tieWordEmbeddings && has(DECODER_BIAS)) return DECODER_BIAS;
  return !has(HEAD_BIAS) && has(DECODER_BIAS) ? DECODER_BIAS : HEAD_BIAS;
}

/**
 * Hugging Face BERT names → ours. Query, key and value are fused into one projection; the
 * MLM head is `cls.predictions.transform` (dense → act → LayerNorm) and a decoder tied to
 * the word embeddings (or its own `cls.predictions.decoder.weight` when untied) whose bias
 * is picked by `headBiasSource`.
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
    vector('head.bias', [headBiasSource(config, tensorNames)], [config.vocabSize], 'zeros'),
  );
  if (!config.tieWordEmbeddings) rules.push(linearWeight('head.weight', [DECODER_WEIGHT], [config.vocabSize], d));
  return rules;
}

/**
 * Known tensors BERT does not use here: the position-id buffer, the next-sentence/pooler
 * heads of pretraining checkpoints, and the decoder's tied duplicates, but those only when
 * they equal what they duplicate (the unused one of the two biases, a tied decoder weight
 * against the word embeddings); a differing one is left to be reported as unused.
 */
export function isIgnorableBertTensor(name: string, tensors: ReadonlyMap<string, CheckpointTensor> = new Map()): boolean {
  if (name === DECODER_WEIGHT) return isSameTensor(tensors, name, `${checkpointPrefix('bert.', [...tensors.keys()])}embeddings.word_embeddings.weight`);
  if (name === DECODER_BIAS) return isSameTensor(tensors, name, HEAD_BIAS);
  if (name === HEAD_BIAS) return isSameTensor(tensors, name, DECODER_BIAS);
  return (
    name.endsWith('embeddings.position_ids') ||
    name.startsWith('cls.seq_relationship.') ||
    /(^|\.)pooler\.dense\.(weight|bias)$/.test(name)
  );
}
