import * as tf from '@tensorflow/tfjs';
import { attendOverChunks, type AttentionHeads } from './attention.js';
import { dense, type DenseParameters } from './dense.js';
import type { ChunkedKVCache } from './kv-cache.js';
import type { RotaryEmbedding } from './rotary-embedding.js';

/**
 * Parameters of a self-attention layer with query, key and value projections fused into
 * one [hidden, (heads + 2·kvHeads)·headDim] weight laid out `[q | k | v]`, as GPT-2's
 * `c_attn` and ModernBERT's `Wqkv` store them (Llama's three are concatenated at load).
 */
export interface SelfAttentionParameters {
  readonly queryKeyValue: DenseParameters;
  /** [heads·headDim, hidden] */
  readonly output: DenseParameters;
}

/** What distinguishes one family's (or one layer's) attention from another's. */
export interface SelfAttentionOptions {
  readonly heads: AttentionHeads;
  /** Multiplies the scores, normally 1/√headDim. */
  readonly scale: number;
  /** RoPE applied to queries and keys, or null for learned/absolute positions. */
  readonly rotary: RotaryEmbedding | null;
  /** OLMo's `clip_qkv`: clamp the projected q, k, v to [−c, c] before RoPE. */
  readonly clipQkv: number | null;
  /**
   * How the fused projection's columns are ordered: `blocks` (default) is `[q | k | v]`,
   * all heads of each; `per-head` is GPT-NeoX's `[q₀ k₀ v₀ | q₁ k₁ v₁ | …]`, one block of
   * three per head (multi-head attention only), regrouped to blocks after the projection.
   */
  readonly fusedLayout?: 'blocks' | 'per-head';
}

/** Where this call sits: positions, mask, and the cache layer to extend (decoders only). */
export interface SelfAttentionContext {
  /** Absolute position of the first input token (the cache length when decoding). */
  readonly positionOffset: number;
  /** Additive mask [batch or 1, 1, queries, keys] or null. */
  readonly bias: tf.Tensor4D | null;
  readonly cache?: { readonly cache: ChunkedKVCache; readonly layer: number };
}

/** Self-attention of x [batch, length, hidden] → [batch, length, hidden]. */
export function selfAttention(x: tf.Tensor3D, parameters: SelfAttentionParameters, options: SelfAttentionOptions, context: SelfAttentionContext): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length] = x.shape;
    const { numHeads, numKeyValueHeads, headDim } = options.heads;
    let projected = dense(x, parameters.queryKeyValue);
    if (options.clipQkv !== null) projected = tf.clipByValue(projected, -options.clipQkv, options.clipQkv);
    const grouped = options.fusedLayout === 'per-head' ? tf.transpose(tf.reshape(projected, [batch, length, numHeads, 3, headDim]), [0, 1, 3, 2, 4]) : projected;
    const heads = tf.reshape(grouped, [batch, length, numHeads + 2 * numKeyValueHeads, headDim]) as tf.Tensor4D;
    let query: tf.Tensor4D;
    let keys: tf.Tensor4D;
    let values: tf.Tensor4D;
    if (options.rotary) {
      // Queries and keys are adjacent heads, so one rotation covers both.
      const [queriesAndKeys, rawValues] = tf.split(heads, [numHeads + numKeyValueHeads, numKeyValueHeads], 2) as [tf.Tensor4D, tf.Tensor4D];
      const rotated = options.rotary.apply(queriesAndKeys, context.positionOffset);
      [query, keys] = tf.split(rotated, [numHeads, numKeyValueHeads], 2) as [tf.Tensor4D, tf.Tensor4D];
      values = rawValues;
    } else {
      [query, keys, values] = tf.split(heads, [numHeads, numKeyValueHeads, numKeyValueHeads], 2) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    }
    const keysTransposed = tf.transpose(keys, [0, 2, 3, 1]);
    const valuesByHead = tf.transpose(values, [0, 2, 1, 3]);
    const chunks = context.cache
      ? context.cache.cache.append(context.cache.layer, keysTransposed, valuesByHead)
      : { keysTransposed: [keysTransposed], values: [valuesByHead] };
    const attended = attendOverChunks(query, chunks.keysTransposed, chunks.values, context.bias, options.heads, options.scale);
    return dense(attended, parameters.output) as tf.Tensor3D;
  });
}
