import * as tf from '@tensorflow/tfjs';
import type { Activation } from './activation.js';
import { dense, type DenseParameters } from './dense.js';

/** The two dense layers of a plain transformer MLP (GPT-2, BERT). */
export interface FeedForwardParameters {
  /** [hidden, intermediate] */
  readonly up: DenseParameters;
  /** [intermediate, hidden] */
  readonly down: DenseParameters;
}

/** `down(act(up(x)))`. */
export function feedForward(x: tf.Tensor, parameters: FeedForwardParameters, act: Activation): tf.Tensor {
  return tf.tidy(() => dense(act(dense(x, parameters.up)), parameters.down));
}
