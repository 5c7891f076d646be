import * as tf from '@tensorflow/tfjs';
import type { Activation } from './activation.js';
import { dense, type DenseParameters } from './dense.js';

/**
 * A gated MLP with its two input projections fused into one [hidden, 2·intermediate]
 * weight: the first half is activated and gates the second. With SiLU this is Llama's
 * SwiGLU (`[gate_proj | up_proj]`), with GELU ModernBERT's GeGLU (`Wi` as stored). One
 * matmul instead of two matters on wasm, where small ops are overhead-bound.
 */
export interface GatedFeedForwardParameters {
  /** [hidden, 2·intermediate]: activated half first, linear half second. */
  readonly gateAndUp: DenseParameters;
  /** [intermediate, hidden] */
  readonly down: DenseParameters;
}

/** `down(act(x·W_gate) ⊙ (x·W_up))`. */
export function gatedFeedForward(x: tf.Tensor, parameters: GatedFeedForwardParameters, act: Activation): tf.Tensor {
  return tf.tidy(() => {
    const projected = dense(x, parameters.gateAndUp);
    const [gate, up] = tf.split(projected, 2, -1) as [tf.Tensor, tf.Tensor];
    return dense(tf.mul(act(gate), up), parameters.down);
  });
}
