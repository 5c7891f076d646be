import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '@maria-ts/core';
import { denseParameters, layerParameter, normParameters } from '../base/parameter-groups.js';
import type { Activation } from '../layers/activation.js';
import { gatedFeedForward, type GatedFeedForwardParameters } from '../layers/gated-feed-forward.js';
import { layerNorm, type LayerNormParameters } from '../layers/layer-norm.js';
import { predictionHead, type PredictionHeadParameters } from '../layers/prediction-head.js';
import { selfAttention, type SelfAttentionContext, type SelfAttentionOptions, type SelfAttentionParameters } from '../layers/self-attention.js';
import type { ParameterStore } from '../parameters/parameter-store.js';

/**
 * One ModernBERT block's parameters. The encoder (`modernbert`) and the Ettin decoder
 * (`modernbert-decoder`) share the block; they differ in masks and in how the checkpoint
 * stores q, k and v, which the families' rules absorb.
 */
export interface ModernBertBlockParameters {
  /** Null on layer 0, whose input is already the normalised embedding. */
  readonly attentionNorm: LayerNormParameters | null;
  readonly attention: SelfAttentionParameters;
  readonly mlpNorm: LayerNormParameters;
  readonly mlp: GatedFeedForwardParameters;
}

/** Block `layer`'s parameters under our names (`attentionNorm` absent on layer 0). */
export function modernBertBlockParameters(store: ParameterStore, layer: number): ModernBertBlockParameters {
  return {
    attentionNorm: layer === 0 ? null : normParameters(store, layerParameter(layer, 'attentionNorm')),
    attention: {
      queryKeyValue: denseParameters(store, layerParameter(layer, 'attention.queryKeyValue')),
      output: denseParameters(store, layerParameter(layer, 'attention.output')),
    },
    mlpNorm: normParameters(store, layerParameter(layer, 'mlpNorm')),
    mlp: { gateAndUp: denseParameters(store, layerParameter(layer, 'mlp.gateAndUp')), down: denseParameters(store, layerParameter(layer, 'mlp.down')) },
  };
}

/** The normalised token embeddings (ModernBERT has no position table). */
export function modernBertEmbed(tokenTable: tf.Tensor2D, norm: LayerNormParameters, ids: tf.Tensor2D, epsilon: number): tf.Tensor3D {
  return tf.tidy(() => layerNorm(embeddingLookup(tokenTable, ids), norm, epsilon) as tf.Tensor3D);
}

/** Pre-norm block: `x + attn(norm(x))`, then `+ GeGLU(norm(·))`. */
export function modernBertBlock(
  x: tf.Tensor3D,
  block: ModernBertBlockParameters,
  attentionOptions: SelfAttentionOptions,
  context: SelfAttentionContext,
  act: Activation,
  epsilon: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    const normed = block.attentionNorm ? (layerNorm(x, block.attentionNorm, epsilon) as tf.Tensor3D) : x;
    const afterAttention = tf.add(x, selfAttention(normed, block.attention, attentionOptions, context));
    return tf.add(afterAttention, gatedFeedForward(layerNorm(afterAttention, block.mlpNorm, epsilon), block.mlp, act)) as tf.Tensor3D;
  });
}

/** `final_norm`, then the prediction head (dense → act → norm): the input of the decoder. */
export function modernBertFinish(x: tf.Tensor3D, finalNorm: LayerNormParameters, head: PredictionHeadParameters, headAct: Activation, epsilon: number): tf.Tensor3D {
  return tf.tidy(() => predictionHead(layerNorm(x, finalNorm, epsilon), head, headAct, epsilon) as tf.Tensor3D);
}
