import * as tf from '@tensorflow/tfjs';
import { POOL_MIN_ROWS, RowProduct } from '@maria-ts/core';
import type { ActivationName } from './activation.js';
import { attendOverChunks, type AttentionHeads } from './attention.js';
import { attentionBias } from './attention-mask.js';
import type { DenseParameters } from './dense.js';
import type { HostKVCache } from './host-kv-cache.js';
import { createSimdKernels, type SimdKernels } from './simd-kernels.js';

/*
 * The host decode step's kernels. A decode step of a small model is a few thousand numbers
 * per op: on an engine each op costs more in dispatch than in arithmetic (a 4-layer,
 * 256-wide Llama step was ~300 kernels, 11 ms on wasm), so the host step keeps the residual
 * stream in a Float32Array and sends only the matrix products to the engine; norms, RoPE,
 * the gated activation, residual adds and attention over the cache are these loops.
 * Arithmetic is float64 inside a row, stored as float32 between products, so results
 * match the engine's float32 forward to rounding (tested against `forward`).
 */

/** Rows at or below which a host step's products skip tfjs's op machinery (`RowProduct`); more rows go through core's `linear`. */
export const HOST_PRODUCT_MAX_ROWS = POOL_MIN_ROWS - 1;

/** One `RowProduct` per dense layer of a backbone, made on first use; `dispose` frees their buffers. */
export class HostProducts {
  private readonly products = new Map<DenseParameters, RowProduct>();

  /**
   * `x · weight (+ bias)` on the engine for host rows x [rows, in]; returns [rows, out] on the
   * host, in a buffer the layer's product reuses (`RowProduct.runShared`): valid until the same
   * layer's next product, which a step reaches only after it has used this one.
   */
  run(x: Float32Array, rows: number, parameters: DenseParameters): Float32Array {
    let product = this.products.get(parameters);
    if (!product) {
      product = new RowProduct(parameters.weight, parameters.bias, HOST_PRODUCT_MAX_ROWS);
      this.products.set(parameters, product);
    }
    return product.runShared(x, rows);
  }

  dispose(): void {
    for (const product of this.products.values()) product.dispose();
    this.products.clear();
  }
}

const hostVectors = new WeakMap<object, Float32Array>();

/**
 * A parameter vector's values on the host, read once per tensor buffer (a variable that is
 * assigned gets a new buffer, so a trained norm weight is read again).
 */
export function hostVector(vector: tf.Tensor1D | null): Float32Array | null {
  if (vector === null) return null;
  const key = vector.dataId as object;
  let values = hostVectors.get(key);
  if (!values) {
    values = Float32Array.from(vector.dataSync() as Float32Array);
    hostVectors.set(key, values);
  }
  return values;
}

/** How a host step normalises a row: RMSNorm (Llama) or LayerNorm (OLMo: no affine parameters). */
export type HostNorm = { readonly kind: 'rms' | 'non-parametric-layer'; readonly epsilon: number };

/** Normalises each row of x [rows, width] into `out`, times `weight` when given. */
export function hostNormRows(x: Float32Array, rows: number, width: number, norm: HostNorm, weight: Float32Array | null, out: Float32Array): void {
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    let mean = 0;
    if (norm.kind !== 'rms') {
      for (let i = 0; i < width; i++) mean += x[base + i] as number;
      mean /= width;
    }
    let square = 0;
    for (let i = 0; i < width; i++) {
      const centred = (x[base + i] as number) - mean;
      square += centred * centred;
    }
    const scale = 1 / Math.sqrt(square / width + norm.epsilon);
    if (weight) for (let i = 0; i < width; i++) out[base + i] = ((x[base + i] as number) - mean) * scale * (weight[i] as number);
    else for (let i = 0; i < width; i++) out[base + i] = ((x[base + i] as number) - mean) * scale;
  }
}

/** x += y elementwise. */
export function hostAddInPlace(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + (y[i] as number);
}

/** Clamps every value of x to [−limit, limit] in place (OLMo's `clip_qkv`). */
export function hostClipInPlace(x: Float32Array, limit: number): void {
  for (let i = 0; i < x.length; i++) {
    const value = x[i] as number;
    if (value > limit) x[i] = limit;
    else if (value < -limit) x[i] = -limit;
  }
}

/** Host forms of the activations a host step supports (the others run the tfjs step). */
export const HOST_ACTIVATIONS: Partial<Record<ActivationName, (x: number) => number>> = {
  silu: (x) => x / (1 + Math.exp(-x)),
  swish: (x) => x / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : 0),
};

/** `act(gate) ⊙ up` for rows [gate | up] of width 2·inner (the fused gate/up projection's layout). */
export function hostGatedActivation(gateAndUp: Float32Array, rows: number, inner: number, act: (x: number) => number): Float32Array {
  const out = new Float32Array(rows * inner);
  for (let row = 0; row < rows; row++) {
    const from = row * 2 * inner;
    const to = row * inner;
    for (let i = 0; i < inner; i++) out[to + i] = act(gateAndUp[from + i] as number) * (gateAndUp[from + inner + i] as number);
  }
  return out;
}

/** The SIMD kernels the gated SiLU runs in, over a memory of `bytes` (made on first use, remade larger when needed). */
let siluKernels: { readonly kernels: SimdKernels; readonly bytes: number } | null | undefined;

/**
 * `silu(gate) ⊙ up` for rows [gate | up] of width 2·inner, as `hostGatedActivation` with SiLU,
 * four lanes at a time in WebAssembly SIMD (float32, Cephes' exponential: within a few float32
 * ulp of the float64 loop; ~10× faster, which is a few percent of a decode step), or that loop
 * where SIMD is missing.
 */
export function hostGatedSilu(gateAndUp: Float32Array, rows: number, inner: number): Float32Array {
  const padded = Math.ceil(inner / 4) * 4;
  const bytes = 3 * padded * 4;
  if (siluKernels === undefined || (siluKernels !== null && siluKernels.bytes < bytes)) {
    const kernels = createSimdKernels(bytes);
    siluKernels = kernels === null ? null : { kernels, bytes };
  }
  if (siluKernels === null) return hostGatedActivation(gateAndUp, rows, inner, HOST_ACTIVATIONS.silu as (x: number) => number);
  const { kernels } = siluKernels;
  const heap = new Float32Array(kernels.memory.buffer);
  const out = new Float32Array(rows * inner);
  for (let row = 0; row < rows; row++) {
    const from = row * 2 * inner;
    heap.set(gateAndUp.subarray(from, from + inner), 0);
    heap.set(gateAndUp.subarray(from + inner, from + 2 * inner), padded);
    kernels.gatedSilu(0, 4 * padded, padded, 8 * padded);
    out.set(heap.subarray(2 * padded, 2 * padded + inner), row * inner);
  }
  return out;
}

/** RoPE tables as `RotaryEmbedding.hostTables` gives them: rows of `dimension` values per position. */
export interface HostRotaryTables {
  readonly cos: Float32Array;
  /** sin with the rotate-half sign folded in: [−sin(first half), +sin(second half)]. */
  readonly signedSin: Float32Array;
  readonly dimension: number;
}

/**
 * Rotates heads `[firstHead, firstHead + heads)` of every row of the fused projection
 * `qkv` [batch · length, rowWidth] in place; row `b · length + l` is at position
 * `offset + l`. Rotate-half convention: only the first `tables.dimension` channels of a head turn.
 */
export function hostRotateHeads(qkv: Float32Array, batch: number, length: number, rowWidth: number, firstHead: number, heads: number, headDim: number, offset: number, tables: HostRotaryTables): void {
  const d = tables.dimension;
  const half = d / 2;
  const first = new Float64Array(half);
  for (let b = 0; b < batch; b++) {
    for (let l = 0; l < length; l++) {
      const table = (offset + l) * d;
      const row = (b * length + l) * rowWidth;
      for (let head = firstHead; head < firstHead + heads; head++) {
        const at = row + head * headDim;
        for (let i = 0; i < half; i++) first[i] = qkv[at + i] as number;
        for (let i = 0; i < half; i++) {
          const a = first[i] as number;
          const second = qkv[at + half + i] as number;
          qkv[at + i] = a * (tables.cos[table + i] as number) + second * (tables.signedSin[table + i] as number);
          qkv[at + half + i] = second * (tables.cos[table + half + i] as number) + a * (tables.signedSin[table + half + i] as number);
        }
      }
    }
  }
}

/** The rows `rows` (row numbers) of a row-major [·, width] array, as a new [rows.length, width] array. */
export function hostPickRows(x: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, k) => out.set(x.subarray(row * width, (row + 1) * width), k * width));
  return out;
}

/**
 * Query rows at or below which attention over the cache runs on the host; longer chunks (a
 * prefill) run on the engine, where its O(queries × keys) products are fast.
 */
export const HOST_ATTENTION_MAX_QUERIES = 16;

export interface HostAttentionInput {
  /** The fused projection [batch · length, (heads + 2·kvHeads) · headDim], `[q | k | v]`, RoPE applied. */
  readonly qkv: Float32Array;
  readonly batch: number;
  readonly length: number;
  readonly heads: AttentionHeads;
  readonly scale: number;
  readonly cache: HostKVCache;
  readonly layer: number;
  /**
   * The first query row (of each sequence's `length`) whose attention is computed (default 0):
   * rows before it still write their keys and values, and their output rows are left 0. For a
   * last layer whose earlier rows' outputs nobody reads. Chunks run on the engine ignore it.
   */
  readonly firstQuery?: number;
}

/**
 * Writes the chunk's keys and values into `cache` layer `layer` at positions `cache.length…`
 * (the caller advances the cache after the last layer), then returns causal attention of
 * the chunk's queries over every cached position up to their own, [batch · length, heads ·
 * headDim]. Query head h reads key head ⌊h / G⌋ (G = heads / kvHeads, Hugging Face's repeat_kv).
 */
export function hostCachedAttention(input: HostAttentionInput): Float32Array {
  const { qkv, batch, length, cache, layer } = input;
  const { numHeads, numKeyValueHeads, headDim } = input.heads;
  const offset = cache.length;
  const rowWidth = (numHeads + 2 * numKeyValueHeads) * headDim;
  const { store, keys, values, room } = cache.buffers(layer);
  for (let b = 0; b < batch; b++) {
    for (let l = 0; l < length; l++) {
      const row = (b * length + l) * rowWidth;
      for (let kv = 0; kv < numKeyValueHeads; kv++) {
        const to = ((b * numKeyValueHeads + kv) * room + offset + l) * headDim;
        store.set(qkv.subarray(row + (numHeads + kv) * headDim, row + (numHeads + kv + 1) * headDim), keys + to);
        store.set(qkv.subarray(row + (numHeads + numKeyValueHeads + kv) * headDim, row + (numHeads + numKeyValueHeads + kv + 1) * headDim), values + to);
      }
    }
  }
  if (length > HOST_ATTENTION_MAX_QUERIES) return engineAttention(input);
  const simd = cache.simd;
  const group = numHeads / numKeyValueHeads;
  const out = new Float32Array(batch * length * numHeads * headDim);
  const scores = simd ? simd.heap.subarray(simd.scores, simd.scores + offset + length) : new Float32Array(offset + length);
  const context = simd ? simd.heap.subarray(simd.context, simd.context + headDim) : new Float32Array(headDim);
  const query = simd ? simd.heap.subarray(simd.query, simd.query + headDim) : new Float32Array(headDim);
  const dots = simd && (headDim % 16 === 0 ? simd.kernels.dots16 : simd.kernels.dots);
  const mix = simd && (headDim % 16 === 0 ? simd.kernels.mix16 : simd.kernels.mix);
  for (let b = 0; b < batch; b++) {
    for (let l = input.firstQuery ?? 0; l < length; l++) {
      const row = (b * length + l) * rowWidth;
      const visible = offset + l + 1;
      for (let head = 0; head < numHeads; head++) {
        // The query times the scale, rounded to float32, as the engine's attention scales it.
        for (let i = 0; i < headDim; i++) query[i] = (qkv[row + head * headDim + i] as number) * input.scale;
        const block = (b * numKeyValueHeads + Math.floor(head / group)) * room * headDim;
        if (simd && dots) dots(4 * simd.query, 4 * (keys + block), visible, headDim, 4 * simd.scores);
        else plainDots(query, store, keys + block, visible, headDim, scores);
        if (simd) simd.kernels.softmax(4 * simd.scores, visible);
        else softmaxInPlace(scores, visible);
        if (simd && mix) mix(4 * simd.scores, 4 * (values + block), visible, headDim, 4 * simd.context);
        else plainMix(scores, store, values + block, visible, headDim, context);
        out.set(context, (b * length + l) * numHeads * headDim + head * headDim);
      }
    }
  }
  return out;
}

/** scores[t] = q · store[from + t·d …] for t < n (the SIMD kernel's plain form). */
function plainDots(query: Float32Array, store: Float32Array, from: number, n: number, d: number, scores: Float32Array): void {
  for (let t = 0; t < n; t++) {
    const at = from + t * d;
    let dot = 0;
    for (let i = 0; i < d; i++) dot += (query[i] as number) * (store[at + i] as number);
    scores[t] = dot;
  }
}

/** context = Σ_t p[t] · store[from + t·d …] (the SIMD kernel's plain form). */
function plainMix(p: Float32Array, store: Float32Array, from: number, n: number, d: number, context: Float32Array): void {
  context.fill(0);
  for (let t = 0; t < n; t++) {
    const weight = p[t] as number;
    const at = from + t * d;
    for (let i = 0; i < d; i++) context[i] = (context[i] as number) + weight * (store[at + i] as number);
  }
}

/** Softmax of x[0 … n) in place (shifted by the max; sums in float64). */
function softmaxInPlace(x: Float32Array, n: number): void {
  let max = -Infinity;
  for (let t = 0; t < n; t++) if ((x[t] as number) > max) max = x[t] as number;
  let total = 0;
  for (let t = 0; t < n; t++) {
    const weight = Math.exp((x[t] as number) - max);
    x[t] = weight;
    total += weight;
  }
  const inverse = 1 / total;
  for (let t = 0; t < n; t++) x[t] = (x[t] as number) * inverse;
}

/** `hostCachedAttention` for a long chunk: the cached keys and values uploaded once, attention on the engine. */
function engineAttention(input: HostAttentionInput): Float32Array {
  const { qkv, batch, length, cache, layer, scale, heads } = input;
  const { numHeads, numKeyValueHeads, headDim } = heads;
  const keyLength = cache.length + length;
  const attended = tf.tidy(() => {
    const rows = tf.tensor3d(qkv, [batch, length, (numHeads + 2 * numKeyValueHeads) * headDim]);
    const query = tf.reshape(tf.slice(rows, [0, 0, 0], [batch, length, numHeads * headDim]), [batch, length, numHeads, headDim]) as tf.Tensor4D;
    const shape: [number, number, number, number] = [batch, numKeyValueHeads, keyLength, headDim];
    const keysTransposed = tf.transpose(tf.tensor4d(cache.gather(layer, 'keys', keyLength), shape), [0, 1, 3, 2]);
    const bias = attentionBias({ batchSize: batch, queryLength: length, keyLength, queryOffset: cache.length, causal: true, maxDistance: null, keyPadding: null });
    return attendOverChunks(query, [keysTransposed], [tf.tensor4d(cache.gather(layer, 'values', keyLength), shape)], bias, heads, scale);
  });
  try {
    return attended.dataSync() as Float32Array;
  } finally {
    attended.dispose();
  }
}
