/** Building blocks shared by the backbone families. */
export * from './activation.js';
export * from './attention.js';
export * from './attention-mask.js';
export * from './dense.js';
export * from './feed-forward.js';
export * from './gated-feed-forward.js';
export * from './kv-cache.js';
export { HostKVCache, type HostKVCacheOptions } from './host-kv-cache.js';
export * from './layer-norm.js';
export * from './rms-norm.js';
export * from './rotary-embedding.js';
export * from './self-attention.js';
export * from './vocab-projection.js';
export * from './prediction-head.js';
