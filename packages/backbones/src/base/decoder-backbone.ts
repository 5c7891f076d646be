import { InputTooLongError, InvalidArgumentError, tf, type ARBackbone, type KVCache } from '@maria-ts/core';
import { ChunkedKVCache } from '../layers/kv-cache.js';
import { TransformerBackbone, type TransformerOutput } from './transformer-backbone.js';

/** How a decoder's cache is shaped. */
export interface CacheGeometry {
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  /** The most positions a cache may hold: `maxPositions` (learned tables end there; RoPE models were trained up to it). */
  readonly hardMaxPositions: number | null;
}

/**
 * A causal backbone with incremental decoding. `step` runs the new tokens at positions
 * `cache.length…` (learned positions offset, RoPE rotated by the cache length), appends
 * their keys and values to the cache in every layer, and returns their hidden states;
 * chunked prefill plus single steps reproduce `forward` exactly.
 */
export abstract class DecoderBackbone extends TransformerBackbone implements ARBackbone {
  readonly kind = 'ar' as const;
  protected readonly causal = true;
  abstract readonly bosTokenId: number;
  protected abstract readonly cacheGeometry: CacheGeometry;

  /** An empty cache; `options.mergeRatio` tunes its chunk merging (see `ChunkedKVCache`). */
  createCache(batchSize: number, capacity: number, options: { readonly mergeRatio?: number; readonly smallChunk?: number } = {}): ChunkedKVCache {
    const limit = this.cacheGeometry.hardMaxPositions;
    if (limit !== null && capacity > limit) throw new InputTooLongError(`${this.info.family} KV cache capacity`, capacity, limit);
    return new ChunkedKVCache({
      batchSize,
      capacity,
      numLayers: this.info.numLayers,
      numKeyValueHeads: this.cacheGeometry.numKeyValueHeads,
      headDim: this.cacheGeometry.headDim,
      ...options,
    });
  }

  private ownCache(cache: KVCache): ChunkedKVCache {
    const { numKeyValueHeads, headDim } = this.cacheGeometry;
    if (!(cache instanceof ChunkedKVCache) || cache.numLayers !== this.info.numLayers || cache.numKeyValueHeads !== numKeyValueHeads || cache.headDim !== headDim) {
      throw new InvalidArgumentError('KV cache', { numLayers: cache.numLayers }, `a cache made by this ${this.info.family} backbone's createCache`);
    }
    return cache;
  }

  step(ids: tf.Tensor2D, cache: KVCache, options: { readonly returnLogits?: boolean } = {}): TransformerOutput {
    this.validateIds(ids);
    const own = this.ownCache(cache);
    const [batch, length] = ids.shape;
    if (batch !== own.batchSize) throw new InvalidArgumentError('step batch size', batch, `the cache's batch size ${own.batchSize}`);
    this.assertWithinPositions(own.length + length);
    own.ensureRoom(length);
    const offset = own.length;
    try {
      const result = tf.tidy(() => {
        const masks = this.masksByLayer(batch, length, offset + length, offset, null);
        let x = this.embed(ids, offset);
        for (let layer = 0; layer < this.info.numLayers; layer++) {
          x = this.block(layer, x, { positionOffset: offset, bias: masks[layer] ?? null, cache: { cache: own, layer } });
        }
        const hidden = this.finish(x);
        const logits = options.returnLogits ? (this.head.project(hidden) as tf.Tensor3D) : undefined;
        return { hidden, ...(logits ? { logits } : {}) };
      });
      own.advance(length);
      return result;
    } catch (error) {
      own.truncate(offset);
      throw error;
    }
  }
}
