/**
 * Hugging Face checkpoint IO: safetensors (F32/F16/BF16, single or sharded), config.json,
 * atomic writers and hub download into a local cache.
 */
export * from './host-tensor.js';
export * from './float-conversion.js';
export * from './safetensors-header.js';
export * from './read-safetensors.js';
export * from './write-safetensors.js';
export * from './atomic-write.js';
export * from './read-json-file.js';
export * from './sharded-index.js';
export * from './path-exists.js';
export * from './assert-regular-file.js';
export * from './checkpoint-files.js';
export * from './hub-download.js';
export * from './checkpoint-footprint.js';
