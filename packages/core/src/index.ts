/**
 * @maria-ts/core: the spec every MARIA-TS package depends on. Interfaces (backbones, KV
 * cache, tokenizer, fusion head, judge), typed errors, a seeded RNG, a name registry, and
 * the tensor runtime: engine selection and the fast wasm ops.
 */
export * as tf from '@tensorflow/tfjs';
export * from './errors.js';
export * from './interfaces/index.js';
export * from './registry.js';
export * from './rng.js';
export * from './runtime/engine.js';
export * from './runtime/engine-memory.js';
export * from './runtime/thread-pool-switch.js';
export * from './runtime/log.js';
export * from './runtime/ops/index.js';
export * from './fs/write-file-atomic.js';
export * from './training/index.js';
export { escapeControlCharacters, terminalSafeJson } from './runtime/terminal-text.js';
export { workspaceRoot } from './fs/workspace-root.js';
