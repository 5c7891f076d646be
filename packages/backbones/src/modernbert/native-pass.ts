import type { NativeHandle, NativeOps } from '@maria-ts/core';
import type { ActivationName } from '../layers/activation.js';
import { attentionBiasValues } from '../layers/attention-mask.js';
import type { LayerNormParameters } from '../layers/layer-norm.js';
import { nativeActivation, nativeBinary, nativeConcat, nativeDense, nativeLayerNorm, nativeSplit, nativeTranspose, replace } from '../layers/native-layers.js';
import type { PredictionHeadParameters } from '../layers/prediction-head.js';
import type { RotaryEmbedding } from '../layers/rotary-embedding.js';
import type * as tf from '@tensorflow/tfjs';
import type { ModernBertBlockParameters } from './block.js';

/** What the native pass reads of a ModernBERT: its parameters and the per-layer attention settings. */
export interface ModernBertNativeModel {
  readonly tokenTable: tf.Tensor2D;
  readonly embeddingNorm: LayerNormParameters;
  readonly blocks: readonly (ModernBertBlockParameters & { readonly rotary: RotaryEmbedding; readonly window: number | null })[];
  readonly finalNorm: LayerNormParameters;
  readonly predictionHead: PredictionHeadParameters;
  readonly numHeads: number;
  readonly headDim: number;
  readonly epsilon: number;
  readonly activation: ActivationName;
  readonly headActivation: ActivationName;
}

/**
 * ModernBERT's forward for ids [batch, length] as direct TensorFlow ops (`NativeOps`), for
 * inference on tfjs-node: the same arithmetic as `modernBertEmbed`, `modernBertBlock` and
 * `modernBertFinish` (no padding mask), about 200 TensorFlow calls for 4 layers against ~300
 * tfjs kernels. Returns the head's output as rows [batch · length, hidden], owned by `ops`.
 */
export function modernBertNativeHidden(ops: NativeOps, model: ModernBertNativeModel, ids: Int32Array, batch: number, length: number): NativeHandle {
  const { numHeads, headDim, epsilon } = model;
  const width = numHeads * headDim;
  const rows = batch * length;
  const embedded = ops.gatherRows(ops.input(model.tokenTable), ids);
  let x = replace(ops, embedded, nativeLayerNorm(ops, embedded, model.embeddingNorm, epsilon));

  // Per pass: the window masks by span and the RoPE tables by θ, [length, 1, headDim] (they broadcast over batch and heads).
  const masks = new Map<number | null, NativeHandle | null>();
  const tables = new Map<RotaryEmbedding, { cos: NativeHandle; sin: NativeHandle }>();
  const maskOf = (window: number | null) => {
    if (!masks.has(window)) {
      const bias = attentionBiasValues({ batchSize: 1, queryLength: length, keyLength: length, queryOffset: 0, causal: false, maxDistance: window });
      masks.set(window, bias === null ? null : ops.floats(bias.values, [1, 1, length, length]));
    }
    return masks.get(window) ?? null;
  };
  const tablesOf = (rotary: RotaryEmbedding) => {
    let found = tables.get(rotary);
    if (!found) {
      const host = rotary.hostTables(length);
      if (host.dimension !== headDim) throw new Error('internal: the native ModernBERT pass rotates whole heads');
      // The binding copies what it uploads: views of the tables' first rows, not copies of them.
      found = { cos: ops.floats(host.cos.subarray(0, length * headDim), [length, 1, headDim]), sin: ops.floats(host.signedSin.subarray(0, length * headDim), [length, 1, headDim]) };
      tables.set(rotary, found);
    }
    return found;
  };

  for (const block of model.blocks) {
    // Attention: x + W_o · attend(RoPE(q), RoPE(k), v) over norm(x) (layer 0: x is already normalised).
    const normed = block.attentionNorm ? nativeLayerNorm(ops, x, block.attentionNorm, epsilon) : x;
    const qkv = nativeDense(ops, normed, block.attention.queryKeyValue);
    if (normed !== x) ops.free(normed);
    const [queriesAndKeys, values] = nativeSplit(ops, qkv, [2 * width, width], 1) as [NativeHandle, NativeHandle];
    ops.free(qkv);
    const heads = ops.reshape(queriesAndKeys, [batch, length, 2 * numHeads, headDim]);
    ops.free(queriesAndKeys);
    const { cos, sin } = tablesOf(block.rotary);
    const [first, second] = nativeSplit(ops, heads, [headDim / 2, headDim / 2], 3) as [NativeHandle, NativeHandle];
    const swapped = nativeConcat(ops, [second, first], 3);
    ops.free(first);
    ops.free(second);
    const turned = ops.one('Mul', [ops.float], [heads, cos]);
    ops.free(heads);
    const shifted = ops.one('Mul', [ops.float], [swapped, sin]);
    ops.free(swapped);
    const rotated = ops.one('AddV2', [ops.float], [turned, shifted]);
    ops.free(turned);
    ops.free(shifted);
    const [query, keys] = nativeSplit(ops, rotated, [numHeads, numHeads], 2) as [NativeHandle, NativeHandle];
    ops.free(rotated);
    const scaledQuery = nativeBinary(ops, 'Mul', query, ops.scalar(1 / Math.sqrt(headDim)));
    const queryByHead = replace(ops, scaledQuery, nativeTranspose(ops, scaledQuery, [0, 2, 1, 3]));
    const keysTransposed = replace(ops, keys, nativeTranspose(ops, keys, [0, 2, 3, 1]));
    const valueHeads = ops.reshape(values, [batch, length, numHeads, headDim]);
    ops.free(values);
    const valuesByHead = replace(ops, valueHeads, nativeTranspose(ops, valueHeads, [0, 2, 1, 3]));
    let scores = ops.one('BatchMatMulV2', [ops.float, ops.bool('adj_x', false), ops.bool('adj_y', false)], [queryByHead, keysTransposed]);
    ops.free(queryByHead);
    ops.free(keysTransposed);
    const mask = maskOf(block.window);
    if (mask !== null) scores = nativeBinary(ops, 'AddV2', scores, mask);
    const probabilities = replace(ops, scores, ops.one('Softmax', [ops.float], [scores]));
    const context = ops.one('BatchMatMulV2', [ops.float, ops.bool('adj_x', false), ops.bool('adj_y', false)], [probabilities, valuesByHead]);
    ops.free(probabilities);
    ops.free(valuesByHead);
    const merged = replace(ops, context, nativeTranspose(ops, context, [0, 2, 1, 3]));
    const attended = replace(ops, merged, ops.reshape(merged, [rows, width]));
    const attention = replace(ops, attended, nativeDense(ops, attended, block.attention.output));
    x = nativeBinary(ops, 'AddV2', x, attention);
    ops.free(attention);

    // GeGLU MLP: x + W_down · (act(gate) ⊙ up) over norm(x).
    const mlpIn = nativeLayerNorm(ops, x, block.mlpNorm, epsilon);
    const gateAndUp = replace(ops, mlpIn, nativeDense(ops, mlpIn, block.mlp.gateAndUp));
    const inner = (gateAndUp.shape[1] as number) / 2;
    const [gate, up] = nativeSplit(ops, gateAndUp, [inner, inner], 1) as [NativeHandle, NativeHandle];
    ops.free(gateAndUp);
    const gated = nativeBinary(ops, 'Mul', nativeActivation(ops, model.activation, gate), up);
    ops.free(up);
    const down = replace(ops, gated, nativeDense(ops, gated, block.mlp.down));
    x = nativeBinary(ops, 'AddV2', x, down);
    ops.free(down);
  }

  // final_norm, then the prediction head: dense → act → norm.
  x = replace(ops, x, nativeLayerNorm(ops, x, model.finalNorm, epsilon));
  x = replace(ops, x, nativeDense(ops, x, model.predictionHead.dense));
  x = nativeActivation(ops, model.headActivation, x);
  return replace(ops, x, nativeLayerNorm(ops, x, model.predictionHead.norm, epsilon));
}
