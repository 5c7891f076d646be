import * as tf from '@tensorflow/tfjs';
import { InputTooLongError, InvalidArgumentError, type ARBackbone, type ARChunk, type KVCache, type StepChunksOptions } from '@maria-ts/core';
import { HostKVCache } from '../layers/host-kv-cache.js';
import { ChunkedKVCache } from '../layers/kv-cache.js';
import { TransformerBackbone, type TransformerOutput } from './transformer-backbone.js';

/** How a decoder's cache is shaped. */
export interface CacheGeometry {
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  /** The most positions a cache may hold: `maxPositions` (learned tables end there; RoPE models were trained up to it). */
  readonly hardMaxPositions: number | null;
}

/** A chunk of `stepChunks` as the host step gets it: checked ids and the sequence's own host cache. */
export interface HostChunk {
  readonly ids: Int32Array;
  readonly cache: HostKVCache;
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

  /**
   * The host decode step of this family, or null where it has none (then every step runs as
   * tfjs ops). It feeds ids [batch, length] at positions `cache.length…`, writes their keys
   * and values into `cache` at those positions in every layer (without advancing it), and
   * returns the hidden states [batch, length, width] (after the final transform).
   */
  protected hostStep(_ids: tf.Tensor2D, _cache: HostKVCache): tf.Tensor3D | null {
    return null;
  }

  /**
   * `hostStep` over several sequences' chunks, each in its own host cache of batch size 1
   * (see `stepChunks`): writes each chunk's keys and values into its cache without advancing
   * it, and returns the hidden states of all chunks' rows, in order, [rows × width], or with
   * `lastOnly` each chunk's last row only, [chunks × width].
   */
  protected hostStepChunks(_chunks: readonly HostChunk[], _lastOnly: boolean): Float32Array | null {
    return null;
  }

  /** Whether `hostStep` is implemented for this model (its activation and norm have host forms). */
  protected get hasHostStep(): boolean {
    return false;
  }

  /** Whether `stepChunks` runs: where the family has a host step (`hostStepChunks`). */
  get canStepChunks(): boolean {
    return this.hasHostStep;
  }

  /**
   * Several sequences' next chunks in one step (see core's `ARBackbone.stepChunks`): the
   * layers' products run once over every chunk's rows, attention per sequence over its own
   * cache. Every chunk is checked (ids, its cache, room, positions) before any work, and no
   * cache advances unless the whole step succeeds, so a refused or failed step leaves every
   * cache as it was. With `lastOnly`, each chunk's last state only (see core's `StepChunksOptions`).
   */
  stepChunks(chunks: readonly ARChunk[], options: StepChunksOptions = {}): Float32Array[] {
    if (!this.canStepChunks) throw new InvalidArgumentError('stepChunks', this.info.family, 'a backbone with a host decode step (canStepChunks)');
    if (this.disposed) throw new InvalidArgumentError('backbone', this.info.family, 'a backbone that has not been disposed');
    const checked = chunks.map((chunk, number): HostChunk => {
      const cache = this.ownCache(chunk.cache);
      if (!(cache instanceof HostKVCache) || cache.batchSize !== 1) throw new InvalidArgumentError(`stepChunks chunk ${number} cache`, { batchSize: cache.batchSize }, "a host cache of batch size 1 from this backbone's createCache");
      const ids = Int32Array.from(chunk.ids);
      if (ids.length === 0) throw new InvalidArgumentError(`stepChunks chunk ${number} ids`, [], 'at least one token');
      ids.forEach((id, index) => {
        if (id !== chunk.ids[index] || id < 0 || id >= this.embeddingRows) throw new InvalidArgumentError(`stepChunks chunk ${number} id at ${index}`, chunk.ids[index], `an integer in [0, ${this.embeddingRows})`);
      });
      this.assertWithinPositions(cache.length + ids.length);
      return { ids, cache };
    });
    if (new Set(checked.map((chunk) => chunk.cache)).size !== checked.length) throw new InvalidArgumentError('stepChunks caches', 'a cache given twice', 'one chunk per cache');
    for (const chunk of checked) chunk.cache.ensureRoom(chunk.ids.length);
    if (checked.length === 0) return [];
    const lastOnly = options.lastOnly === true;
    const hidden = this.hostStepChunks(checked, lastOnly) as Float32Array;
    const width = this.info.hiddenSize;
    // A host step that does not shorten its output for `lastOnly` returns every row: the last is taken from those.
    const everyRow = !lastOnly || hidden.length !== checked.length * width;
    let first = 0;
    return checked.map((chunk) => {
      chunk.cache.advance(chunk.ids.length);
      const count = everyRow ? chunk.ids.length : 1;
      const rows = hidden.subarray(first * width, (first + count) * width);
      first += count;
      return lastOnly ? rows.subarray((count - 1) * width) : rows;
    });
  }

  /**
   * An empty cache. Where the family has a host decode step, a `HostKVCache` (preallocated
   * host buffers written in place); otherwise, or when `options` sets the chunk merging
   * (`mergeRatio`, `smallChunk`, or `layout: 'chunked'`), a `ChunkedKVCache` of tensors.
   */
  createCache(
    batchSize: number,
    capacity: number,
    options: { readonly mergeRatio?: number; readonly smallChunk?: number; readonly layout?: 'host' | 'chunked' } = {},
  ): ChunkedKVCache | HostKVCache {
    const limit = this.cacheGeometry.hardMaxPositions;
    if (limit !== null && capacity > limit) throw new InputTooLongError(`${this.info.family} KV cache capacity`, capacity, limit);
    const { layout, ...policy } = options;
    const geometry = { batchSize, capacity, numLayers: this.info.numLayers, numKeyValueHeads: this.cacheGeometry.numKeyValueHeads, headDim: this.cacheGeometry.headDim };
    if (layout === 'host' && !this.hasHostStep) throw new InvalidArgumentError('KV cache layout', layout, `'chunked' (the ${this.info.family} backbone has no host decode step)`);
    const host = layout === 'host' || (layout === undefined && this.hasHostStep && policy.mergeRatio === undefined && policy.smallChunk === undefined);
    return host ? new HostKVCache(geometry) : new ChunkedKVCache({ ...geometry, ...policy });
  }

  private ownCache(cache: KVCache): ChunkedKVCache | HostKVCache {
    const { numKeyValueHeads, headDim } = this.cacheGeometry;
    const known = cache instanceof ChunkedKVCache || (cache instanceof HostKVCache && this.hasHostStep);
    if (!known || cache.numLayers !== this.info.numLayers || cache.numKeyValueHeads !== numKeyValueHeads || cache.headDim !== headDim) {
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
    if (own instanceof HostKVCache) {
      // Writes past the cache's length are invisible until `advance`, so a failed step leaves it as it was.
      const hidden = this.hostStep(ids, own) as tf.Tensor3D;
      own.advance(length);
      const logits = options.returnLogits ? (tf.tidy(() => this.head.project(hidden)) as tf.Tensor3D) : undefined;
      return { hidden, ...(logits ? { logits } : {}) };
    }
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
