import { ConfigReader, type ParsedConfig } from '../config/config-reader.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/activation.js';

/** BERT's config.json, typed (the encoder plus its MLM head). */
export interface BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly activation: ActivationName;
  readonly maxPositions: number;
  readonly typeVocabSize: number;
  readonly layerNormEpsilon: number;
  readonly tieWordEmbeddings: boolean;
  readonly initializerRange: number;
}

/**
 * Reads BERT's config.json. Only absolute position embeddings are implemented, and a
 * BERT with `is_decoder: true` is a causal model, not the bidirectional MLM MARIA needs;
 * both are refused with a typed error. BertLMHeadModel without `is_decoder` is
 * bidirectional and loads like BertForMaskedLM.
 */
export function parseBertConfig(raw: unknown, source: string): ParsedConfig<BertConfig> {
  const reader = new ConfigReader(raw, source);
  const hiddenSize = reader.integer('hidden_size');
  const numHeads = reader.integer('num_attention_heads');
  if (hiddenSize % numHeads !== 0) reader.unsupported('hidden_size', hiddenSize, `a multiple of num_attention_heads (${numHeads})`);
  reader.choice('position_embedding_type', ['absolute'], 'absolute');
  if (reader.boolean('is_decoder', false)) reader.unsupported('is_decoder', true, 'false (a bidirectional masked LM)');
  const config: BertConfig = {
    vocabSize: reader.integer('vocab_size'),
    hiddenSize,
    numLayers: reader.integer('num_hidden_layers'),
    numHeads,
    intermediateSize: reader.integer('intermediate_size'),
    activation: reader.choice('hidden_act', ACTIVATION_NAMES, 'gelu'),
    maxPositions: reader.integer('max_position_embeddings', 512),
    typeVocabSize: reader.integer('type_vocab_size', 2),
    layerNormEpsilon: reader.positiveNumber('layer_norm_eps', 1e-12),
    tieWordEmbeddings: reader.boolean('tie_word_embeddings', true),
    initializerRange: reader.positiveNumber('initializer_range', 0.02),
  };
  reader.ignore('classifier_dropout', 'gradient_checkpointing');
  return reader.finish(config);
}
