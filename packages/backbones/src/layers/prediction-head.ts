import * as tf from '@tensorflow/tfjs';
import type { Activation } from './activation.js';
import { dense, type DenseParameters } from './dense.js';
import { layerNorm, type LayerNormParameters } from './layer-norm.js';

/** The MLM head transform of BERT (`cls.predictions.transform`) and ModernBERT (`head`). */
export interface PredictionHeadParameters {
  readonly dense: DenseParameters;
  readonly norm: LayerNormParameters;
}

/** `norm(act(dense(x)))`: its output is the encoders' `hidden` (ARCHITECTURE.md §1.1). */
export function predictionHead(x: tf.Tensor, parameters: PredictionHeadParameters, act: Activation, epsilon: number): tf.Tensor {
  return tf.tidy(() => layerNorm(act(dense(x, parameters.dense)), parameters.norm, epsilon));
}
