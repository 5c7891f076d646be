export * from './backbone.js';
export type * from './kv-cache.js';
export type * from './tokenizer.js';
export type * from './fusion-head.js';
export type * from './judge.js';
export type * from './maria-model.js';
