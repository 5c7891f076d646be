/**
 * @maria-ts/backbones: GPT-2, Llama/OLMo, BERT and ModernBERT loaded from Hugging Face
 * checkpoints.
 */
export * from './io/index.js';
export * from './tokenizer/index.js';
export * from './errors.js';
export * from './config/config-reader.js';
export * from './parameters/parameter-rule.js';
export * from './parameters/host-parameters.js';
export * from './parameters/non-finite.js';
export * from './parameters/parameter-store.js';
export * from './layers/index.js';
export * from './base/transformer-backbone.js';
export * from './base/decoder-backbone.js';
export * from './base/encoder-backbone.js';
export * from './family.js';
export * from './families.js';
export * from './load-backbone.js';
export * from './create-backbone.js';
export * from './gpt2/index.js';
export * from './llama/index.js';
export * from './olmo/index.js';
export * from './bert/index.js';
export * from './modernbert/index.js';
export * from './gpt-neox/index.js';
export * from './modernbert-decoder/index.js';
export * from './decode-throughput.js';
