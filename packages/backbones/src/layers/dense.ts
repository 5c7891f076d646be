import type * as tf from '@tensorflow/tfjs';
import { linear } from '@maria-ts/core';

/**
 * A dense layer's parameters with the weight stored [in, out], the layout core's fast
 * `linear` wants. Checkpoints that store [out, in] (nn.Linear) are transposed once at load.
 */
export interface DenseParameters {
  readonly weight: tf.Tensor2D;
  readonly bias: tf.Tensor1D | null;
}

/** `x · weight (+ bias)` for x [..., in]. */
export function dense(x: tf.Tensor, parameters: DenseParameters): tf.Tensor {
  return linear(x, parameters.weight, parameters.bias);
}
