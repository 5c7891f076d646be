import type { Tensor4D } from '@tensorflow/tfjs';

/**
 * Keys and values of every attention layer for the tokens decoded so far.
 *
 * tfjs tensors are immutable, so a cache of tensors cannot write new positions into a
 * preallocated buffer, and appending by concatenation would copy the whole cache at every
 * step. Backbones' `ChunkedKVCache` therefore keeps each layer as a short list of chunks
 * merged log-structured (each position is copied O(log length) times over a decode, and
 * attention reads the chunks directly); families with a host decode step (Llama, OLMo)
 * use `HostKVCache` instead, preallocated host buffers written in place. A cache owns its
 * storage: `dispose()` frees all of it, and a step must leave `tf.memory().numTensors`
 * unchanged apart from its returned outputs and the cache's own bounded chunk count.
 */
export interface KVCache {
  readonly batchSize: number;
  /** Most positions the cache can hold. */
  readonly capacity: number;
  /** Positions filled so far (the next token's position index). */
  readonly length: number;
  readonly numLayers: number;
  /**
   * Keys and values of `layer` for the filled positions, [batch, kvHeads, length, headDim],
   * as new tensors the caller disposes. This concatenates the chunks (an O(length) copy):
   * for inspection and tests; decoding never needs it.
   */
  layer(layer: number): { readonly keys: Tensor4D; readonly values: Tensor4D };
  /** Forgets everything after `length` positions (used to roll back speculative work). */
  truncate(length: number): void;
  dispose(): void;
}
