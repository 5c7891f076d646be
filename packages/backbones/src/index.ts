/**
 * @maria-ts/backbones: GPT-2, Llama/OLMo, BERT and ModernBERT loaded from Hugging Face
 * checkpoints.
 */
export * from './io/index.js';
export * from './tokenizer/index.js';
