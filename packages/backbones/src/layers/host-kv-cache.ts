import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type KVCache } from '@maria-ts/core';
import { CacheCapacityError } from '../errors.js';
import { checkedCacheShape, type KVCacheShape } from './kv-cache.js';
import { createSimdKernels, type SimdKernels } from './simd-kernels.js';

export interface HostKVCacheOptions extends KVCacheShape {
  /** false keeps plain arrays where the SIMD kernels would run (default true; for comparisons). */
  readonly simd?: boolean;
}

/** Positions a host cache holds room for at first; it doubles (up to its capacity) when full. */
const INITIAL_ROOM = 64;

/** Where the SIMD attention kernels find a cache's layers and scratch space (byte offsets into `kernels.memory`). */
export interface HostKVCacheSimd {
  readonly kernels: SimdKernels;
  /** float32 view of the whole memory. */
  readonly heap: Float32Array;
  /** Scratch: a query row (headDim floats), the scores (room floats), a context row (headDim floats), as float indices. */
  readonly query: number;
  readonly scores: number;
  readonly context: number;
}

/**
 * A KV cache in host memory for the host decode step (`DecoderBackbone.step` of a family
 * with one, e.g. Llama/OLMo): every layer's keys and values are one preallocated float32
 * region each, laid out [batch, kvHeads, room, headDim], and a step writes its new
 * positions in place. Nothing is concatenated or copied per step, no tensor is held (so a
 * step's tensor count is exactly its outputs), and `truncate` only moves the length.
 *
 * The regions live in a WebAssembly memory shared with the SIMD attention kernels
 * (`simd-kernels.ts`) where WebAssembly SIMD is available and headDim is a multiple of 4,
 * else in a plain Float32Array. The room starts small and doubles up to `capacity` (each
 * doubling copies the filled positions once), so a cache made for a long capacity costs
 * memory for what it holds.
 */
export class HostKVCache implements KVCache {
  readonly batchSize: number;
  readonly capacity: number;
  readonly numLayers: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  private store: Float32Array;
  private simdView: HostKVCacheSimd | null = null;
  private roomFor: number;
  private readonly useSimd: boolean;
  private filled = 0;
  private disposed = false;

  constructor(options: HostKVCacheOptions) {
    ({ batchSize: this.batchSize, capacity: this.capacity, numLayers: this.numLayers, numKeyValueHeads: this.numKeyValueHeads, headDim: this.headDim } = checkedCacheShape(options));
    this.useSimd = options.simd ?? true;
    this.roomFor = Math.min(this.capacity, INITIAL_ROOM);
    this.store = this.allocate(this.roomFor);
  }

  /** Floats of one layer's keys (or values) at `room` positions. */
  private regionSize(room: number): number {
    return this.batchSize * this.numKeyValueHeads * room * this.headDim;
  }

  /** A zeroed store for `room` positions: in a SIMD kernels memory when possible, with scratch after the layers. */
  private allocate(room: number): Float32Array {
    const layers = 2 * this.numLayers * this.regionSize(room);
    const roundUp = (floats: number) => Math.ceil(floats / 4) * 4;
    const scratch = 2 * roundUp(this.headDim) + roundUp(room);
    this.simdView = null;
    if (this.useSimd && this.headDim % 4 === 0) {
      let kernels: SimdKernels | null = null;
      try {
        kernels = createSimdKernels(4 * (layers + scratch));
      } catch {
        kernels = null; // a memory this large could not be reserved: plain arrays
      }
      if (kernels) {
        const heap = new Float32Array(kernels.memory.buffer);
        this.simdView = { kernels, heap, query: layers, scores: layers + roundUp(this.headDim), context: layers + roundUp(this.headDim) + roundUp(room) };
        return heap;
      }
    }
    return new Float32Array(layers);
  }

  get length(): number {
    return this.filled;
  }

  /** Positions the buffers hold room for now (between the first allocation and `capacity`). */
  get room(): number {
    return this.roomFor;
  }

  /** The SIMD kernels and the offsets of their scratch space, or null where the cache uses plain arrays. Valid until the next `ensureRoom`. */
  get simd(): HostKVCacheSimd | null {
    this.assertLive();
    return this.simdView;
  }

  /** Throws `CacheCapacityError` unless `count` more positions fit; grows the buffers to hold them. */
  ensureRoom(count: number): void {
    this.assertLive();
    const needed = this.filled + count;
    if (needed > this.capacity) throw new CacheCapacityError(this.filled, count, this.capacity);
    if (needed <= this.roomFor) return;
    const room = Math.min(this.capacity, Math.max(needed, 2 * this.roomFor));
    const old = this.store;
    const oldRoom = this.roomFor;
    const next = this.allocate(room);
    const run = this.filled * this.headDim;
    for (let region = 0; region < 2 * this.numLayers; region++) {
      for (let block = 0; block < this.batchSize * this.numKeyValueHeads; block++) {
        const from = region * this.regionSize(oldRoom) + block * oldRoom * this.headDim;
        next.set(old.subarray(from, from + run), region * this.regionSize(room) + block * room * this.headDim);
      }
    }
    this.store = next;
    this.roomFor = room;
  }

  private assertLive(): void {
    if (this.disposed) throw new InvalidArgumentError('KV cache', 'disposed', 'a cache that has not been disposed');
  }

  /**
   * Where `layer` lives in `store` (float indices), [batch, kvHeads, room, headDim]: position
   * `t` of head `h` in row `b` starts at `keys + ((b · kvHeads + h) · room + t) · headDim`
   * (likewise `values`). Writes past `length` are how a step appends; read them back only
   * after `advance`. Valid until the next `ensureRoom`.
   */
  buffers(layer: number): { readonly store: Float32Array; readonly keys: number; readonly values: number; readonly room: number } {
    this.assertLive();
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.numLayers) throw new InvalidArgumentError('KV cache layer', layer, `an integer in [0, ${this.numLayers})`);
    const size = this.regionSize(this.roomFor);
    return { store: this.store, keys: 2 * layer * size, values: (2 * layer + 1) * size, room: this.roomFor };
  }

  /** Marks `count` written positions as filled, after every layer wrote them. */
  advance(count: number): void {
    this.assertLive();
    if (!Number.isInteger(count) || count < 0 || this.filled + count > this.roomFor) throw new InvalidArgumentError('KV cache advance', count, `an integer in [0, ${this.roomFor - this.filled}]`);
    this.filled += count;
  }

  /** The first `count` positions of `layer`'s keys or values as [batch, kvHeads, count, headDim] floats. */
  gather(layer: number, which: 'keys' | 'values', count: number): Float32Array {
    const buffers = this.buffers(layer);
    const base = buffers[which];
    const out = new Float32Array(this.batchSize * this.numKeyValueHeads * count * this.headDim);
    for (let block = 0; block < this.batchSize * this.numKeyValueHeads; block++) {
      const from = base + block * buffers.room * this.headDim;
      out.set(buffers.store.subarray(from, from + count * this.headDim), block * count * this.headDim);
    }
    return out;
  }

  layer(layer: number): { readonly keys: tf.Tensor4D; readonly values: tf.Tensor4D } {
    const shape: [number, number, number, number] = [this.batchSize, this.numKeyValueHeads, this.filled, this.headDim];
    return { keys: tf.tensor4d(this.gather(layer, 'keys', this.filled), shape), values: tf.tensor4d(this.gather(layer, 'values', this.filled), shape) };
  }

  truncate(length: number): void {
    this.assertLive();
    if (!Number.isInteger(length) || length < 0 || length > this.filled) throw new InvalidArgumentError('truncate length', length, `an integer in [0, ${this.filled}]`);
    this.filled = length;
  }

  dispose(): void {
    if (this.disposed) return;
    this.store = new Float32Array(0);
    this.simdView = null;
    this.filled = 0;
    this.disposed = true;
  }
}
