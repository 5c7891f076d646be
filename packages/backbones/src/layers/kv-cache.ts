import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type KVCache } from '@maria-ts/core';
import { CacheCapacityError } from '../errors.js';

/** The keys and values of one layer as the attention reads them: chunks in position order. */
export interface KeyValueChunks {
  /** Each [batch, kvHeads, headDim, chunkLength] (pre-transposed for the score matmul). */
  readonly keysTransposed: readonly tf.Tensor4D[];
  /** Each [batch, kvHeads, chunkLength, headDim]. */
  readonly values: readonly tf.Tensor4D[];
}

interface LayerStore {
  keysTransposed: tf.Tensor4D[];
  values: tf.Tensor4D[];
  lengths: number[];
}

/** The shape every KV cache is made for: batch rows, positions it may hold, layers and heads. */
export interface KVCacheShape {
  readonly batchSize: number;
  readonly capacity: number;
  readonly numLayers: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
}

/** `options`' cache shape, each field checked to be an integer ≥ 1 (`InvalidArgumentError` naming it). */
export function checkedCacheShape(options: KVCacheShape): KVCacheShape {
  for (const key of ['batchSize', 'capacity', 'numLayers', 'numKeyValueHeads', 'headDim'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new InvalidArgumentError(`KV cache ${key}`, options[key], 'an integer >= 1');
  }
  const { batchSize, capacity, numLayers, numKeyValueHeads, headDim } = options;
  return { batchSize, capacity, numLayers, numKeyValueHeads, headDim };
}

export interface ChunkedKVCacheOptions extends KVCacheShape {
  /**
   * Merge the newest chunk into the one before it while that one is shorter than
   * `mergeRatio` times it (default `DEFAULT_KV_MERGE_RATIO`). 2 is a binary counter; larger
   * ratios keep fewer chunks (at most ⌊log_ratio length⌋ + 1) for a few more copies.
   */
  readonly mergeRatio?: number;
  /**
   * Chunks whose merged length would not exceed this are always merged (default
   * `DEFAULT_KV_SMALL_CHUNK`): copying a few hundred positions costs less on wasm than the
   * extra matmuls another chunk adds to every later step.
   */
  readonly smallChunk?: number;
}

/** Measured default of `ChunkedKVCache`'s merge ratio (see the README's KV cache section). */
export const DEFAULT_KV_MERGE_RATIO = 4;

/** Measured default of `ChunkedKVCache`'s small-chunk threshold, in positions. */
export const DEFAULT_KV_SMALL_CHUNK = 256;

/**
 * A KV cache for tfjs, whose tensors are immutable: a preallocated buffer cannot be written
 * in place, and appending by concatenation copies the whole cache at every step.
 *
 * Each layer keeps a list of chunks, oldest first, merged log-structured: after an
 * append, the newest chunk is concatenated into the one before it while that one is
 * shorter than `mergeRatio` times it (2 would be a binary counter), or while both together
 * stay within `smallChunk` positions. Beyond the small-chunk threshold, chunk lengths
 * therefore grow geometrically from newest to oldest, so a layer holds O(log length)
 * chunks and a position is copied O(log length) times over a whole decode, instead of
 * once per step. Attention reads the chunks directly (`attendOverChunks`).
 *
 * The defaults (ratio 4, small chunk 256) were measured with `maria bench-decode` on a
 * 4-layer, 256-wide decoder (packages/backbones/README.md, "KV cache"): below a few
 * hundred positions one chunk is fastest on wasm (each extra chunk costs matmuls every
 * step), and at 2k positions the chunked cache beat whole-cache concatenation.
 */
export class ChunkedKVCache implements KVCache {
  readonly batchSize: number;
  readonly capacity: number;
  readonly numLayers: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly mergeRatio: number;
  readonly smallChunk: number;
  private readonly layers: LayerStore[];
  private filled = 0;
  private disposed = false;

  constructor(options: ChunkedKVCacheOptions) {
    ({ batchSize: this.batchSize, capacity: this.capacity, numLayers: this.numLayers, numKeyValueHeads: this.numKeyValueHeads, headDim: this.headDim } = checkedCacheShape(options));
    this.mergeRatio = options.mergeRatio ?? DEFAULT_KV_MERGE_RATIO;
    this.smallChunk = options.smallChunk ?? DEFAULT_KV_SMALL_CHUNK;
    if (!(this.mergeRatio >= 2)) throw new InvalidArgumentError('KV cache mergeRatio', this.mergeRatio, 'a number >= 2');
    this.layers = Array.from({ length: options.numLayers }, () => ({ keysTransposed: [], values: [], lengths: [] }));
  }

  get length(): number {
    return this.filled;
  }

  /** Throws `CacheCapacityError` unless `count` more positions fit. */
  ensureRoom(count: number): void {
    this.assertLive();
    if (this.filled + count > this.capacity) throw new CacheCapacityError(this.filled, count, this.capacity);
  }

  private assertLive(): void {
    if (this.disposed) throw new InvalidArgumentError('KV cache', 'disposed', 'a cache that has not been disposed');
  }

  private store(layer: number): LayerStore {
    const store = this.layers[layer];
    if (!store) throw new InvalidArgumentError('KV cache layer', layer, `an integer in [0, ${this.numLayers})`);
    return store;
  }

  /**
   * Appends one layer's keys and values for the positions after `length` (the cache keeps
   * them; callers must not dispose them) and returns the layer's chunks including them.
   * Call `advance` once every layer has appended.
   */
  append(layer: number, keysTransposed: tf.Tensor4D, values: tf.Tensor4D): KeyValueChunks {
    this.assertLive();
    const store = this.store(layer);
    const expected = [this.batchSize, this.numKeyValueHeads, this.headDim];
    const [batch, heads, dim, count] = keysTransposed.shape;
    if (batch !== expected[0] || heads !== expected[1] || dim !== expected[2] || values.shape[2] !== count) {
      throw new InvalidArgumentError('KV cache append shapes', { keys: keysTransposed.shape, values: values.shape }, `keys [${expected.join(', ')}, n] and values [${expected[0]}, ${expected[1]}, n, ${expected[2]}]`);
    }
    store.keysTransposed.push(tf.keep(keysTransposed));
    store.values.push(tf.keep(values));
    store.lengths.push(count);
    for (let n = store.lengths.length; n >= 2 && this.shouldMerge(store.lengths[n - 2] as number, store.lengths[n - 1] as number); n--) {
      this.mergeLastTwo(store);
    }
    return { keysTransposed: store.keysTransposed, values: store.values };
  }

  private shouldMerge(older: number, newer: number): boolean {
    return older + newer <= this.smallChunk || older < this.mergeRatio * newer;
  }

  private mergeLastTwo(store: LayerStore): void {
    const keys = store.keysTransposed.splice(-2, 2) as [tf.Tensor4D, tf.Tensor4D];
    const values = store.values.splice(-2, 2) as [tf.Tensor4D, tf.Tensor4D];
    const lengths = store.lengths.splice(-2, 2) as [number, number];
    store.keysTransposed.push(tf.keep(tf.concat(keys, 3)));
    store.values.push(tf.keep(tf.concat(values, 2)));
    store.lengths.push(lengths[0] + lengths[1]);
    tf.dispose([...keys, ...values]);
  }

  /** Marks `count` appended positions as filled, after every layer appended them. */
  advance(count: number): void {
    this.assertLive();
    const target = this.filled + count;
    this.layers.forEach((store, layer) => {
      const held = store.lengths.reduce((sum, length) => sum + length, 0);
      if (held !== target) throw new InvalidArgumentError(`KV cache layer ${layer} length`, held, `${target} after appending ${count}`);
    });
    this.filled = target;
  }

  /** The chunks of `layer` (owned by the cache). */
  chunks(layer: number): KeyValueChunks {
    const store = this.store(layer);
    return { keysTransposed: store.keysTransposed, values: store.values };
  }

  /** Number of chunks `layer` holds now (for tests of the merge policy). */
  chunkLengths(layer: number): readonly number[] {
    return [...this.store(layer).lengths];
  }

  layer(layer: number): { readonly keys: tf.Tensor4D; readonly values: tf.Tensor4D } {
    this.assertLive();
    const store = this.store(layer);
    return tf.tidy(() => {
      if (store.lengths.length === 0) {
        const empty = [this.batchSize, this.numKeyValueHeads, 0, this.headDim] as [number, number, number, number];
        return { keys: tf.zeros(empty) as tf.Tensor4D, values: tf.zeros(empty) as tf.Tensor4D };
      }
      const keysTransposed = store.keysTransposed.length === 1 ? tf.clone(store.keysTransposed[0] as tf.Tensor4D) : tf.concat(store.keysTransposed, 3);
      const values = store.values.length === 1 ? tf.clone(store.values[0] as tf.Tensor4D) : tf.concat(store.values, 2);
      return { keys: tf.transpose(keysTransposed, [0, 1, 3, 2]), values };
    });
  }

  truncate(length: number): void {
    this.assertLive();
    if (!Number.isInteger(length) || length < 0 || length > this.filled) throw new InvalidArgumentError('truncate length', length, `an integer in [0, ${this.filled}]`);
    for (const store of this.layers) {
      let start = 0;
      let keep = 0;
      while (keep < store.lengths.length && start + (store.lengths[keep] as number) <= length) start += store.lengths[keep++] as number;
      const dropped = { keys: store.keysTransposed.splice(keep), values: store.values.splice(keep), lengths: store.lengths.splice(keep) };
      const partial = length - start;
      if (partial > 0) {
        const keys = dropped.keys[0] as tf.Tensor4D;
        const values = dropped.values[0] as tf.Tensor4D;
        store.keysTransposed.push(tf.keep(tf.slice(keys, [0, 0, 0, 0], [-1, -1, -1, partial])));
        store.values.push(tf.keep(tf.slice(values, [0, 0, 0, 0], [-1, -1, partial, -1])));
        store.lengths.push(partial);
      }
      tf.dispose([...dropped.keys, ...dropped.values]);
    }
    this.filled = length;
  }

  dispose(): void {
    if (this.disposed) return;
    for (const store of this.layers) {
      tf.dispose([...store.keysTransposed, ...store.values]);
      store.keysTransposed = [];
      store.values = [];
      store.lengths = [];
    }
    this.filled = 0;
    this.disposed = true;
  }
}
