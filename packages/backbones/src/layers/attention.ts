import * as tf from '@tensorflow/tfjs';
import { matMul } from '@maria-ts/core';

/** Head layout of an attention layer. `numHeads` must be a multiple of `numKeyValueHeads`. */
export interface AttentionHeads {
  readonly numHeads: number;
  /** Equal to numHeads for multi-head attention, fewer for GQA, 1 for MQA. */
  readonly numKeyValueHeads: number;
  readonly headDim: number;
}

/**
 * Scaled dot-product attention of `query` [batch, queries, heads, headDim] over keys and
 * values held as a list of chunks (the KV cache's layout; one chunk without a cache):
 * keys pre-transposed [batch, kvHeads, headDim, chunk] and values [batch, kvHeads, chunk,
 * headDim]. Returns [batch, queries, heads·headDim].
 *
 * Grouped-query attention never repeats keys: the G = heads/kvHeads query heads that share
 * a key head are stacked as G·queries rows of one batched matmul. Keys are stored
 * transposed so every product is a plain batched matmul (wasm's transposed matmul is ~15×
 * slower). Scores of all chunks are concatenated so the softmax is exact over the whole
 * key range; only the probability·value products are done per chunk.
 *
 * @param bias additive mask broadcastable to [batch, heads, queries, keys], or null
 */
export function attendOverChunks(
  query: tf.Tensor4D,
  keysTransposed: readonly tf.Tensor4D[],
  values: readonly tf.Tensor4D[],
  bias: tf.Tensor4D | null,
  heads: AttentionHeads,
  scale: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, queries] = query.shape;
    const { numHeads, numKeyValueHeads, headDim } = heads;
    const group = numHeads / numKeyValueHeads;
    // [B, Tq, H, D] → [B, Hkv, G·Tq, D], head h = kv·G + g as in Hugging Face's repeat_kv.
    let grouped = tf.reshape(tf.mul(query, scale), [batch, queries, numKeyValueHeads, group, headDim]);
    grouped = queries === 1 && group === 1 ? grouped : tf.transpose(grouped, [0, 2, 3, 1, 4]);
    const rows = tf.reshape(grouped, [batch, numKeyValueHeads, group * queries, headDim]);
    const chunkScores = keysTransposed.map((keys) => matMul(rows, keys));
    let scores = chunkScores.length === 1 ? (chunkScores[0] as tf.Tensor) : tf.concat(chunkScores, 3);
    const keyLength = scores.shape[3] as number;
    if (bias) scores = tf.add(tf.reshape(scores, [batch, numHeads, queries, keyLength]), bias);
    const probabilities = tf.reshape(tf.softmax(scores), [batch, numKeyValueHeads, group * queries, keyLength]);
    let context: tf.Tensor;
    if (values.length === 1) {
      context = matMul(probabilities, values[0] as tf.Tensor4D);
    } else {
      const pieces = tf.split(probabilities, values.map((chunk) => chunk.shape[2]), 3);
      context = tf.addN(pieces.map((piece, i) => matMul(piece, values[i] as tf.Tensor4D)));
    }
    // [B, Hkv, G·Tq, D] → [B, Tq, Hkv, G, D] → [B, Tq, H·D]
    let merged = tf.reshape(context, [batch, numKeyValueHeads, group, queries, headDim]);
    merged = queries === 1 && group === 1 ? merged : tf.transpose(merged, [0, 3, 1, 2, 4]);
    return tf.reshape(merged, [batch, queries, numHeads * headDim]);
  });
}
