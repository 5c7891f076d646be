/**
 * Tokenizers: core's `Tokenizer` over Hugging Face tokenizer.json files (and GPT-2 style
 * vocab.json + merges.txt), with special-token resolution and a vocabulary fingerprint.
 */
export * from './hugging-face-tokenizer.js';
export * from './load-tokenizer.js';
export * from './byte-level-bpe.js';
export * from './special-tokens.js';
export * from './tokenizer-fingerprint.js';
export * from './tokenizer-json.js';
export * from './base-vocabulary.js';
