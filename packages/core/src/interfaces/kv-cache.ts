import type { Tensor4D } from '@tensorflow/tfjs';

/**
 * Keys and values of every attention layer for the tokens decoded so far.
 *
 * Implementations preallocate `capacity` positions and write new chunks into place, so a
 * decode step costs O(chunk) memory traffic instead of re-copying the whole cache. A cache
 * owns its tensors: `dispose()` frees all of them, and a step must leave
 * `tf.memory().numTensors` unchanged apart from its returned outputs.
 */
export interface KVCache {
  readonly batchSize: number;
  /** Most positions the cache can hold. */
  readonly capacity: number;
  /** Positions filled so far (the next token's position index). */
  readonly length: number;
  readonly numLayers: number;
  /** Keys and values of `layer` for the filled positions: [batch, kvHeads, length, headDim]. */
  layer(layer: number): { readonly keys: Tensor4D; readonly values: Tensor4D };
  /** Forgets everything after `length` positions (used to roll back speculative work). */
  truncate(length: number): void;
  dispose(): void;
}
