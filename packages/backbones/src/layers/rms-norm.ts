import * as tf from '@tensorflow/tfjs';

/**
 * Root-mean-square norm over the last axis, `x / √(mean(x²) + ε) · weight` (Llama). A null
 * weight gives the non-parametric form.
 */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor1D | null, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    const normalised = tf.mul(x, tf.rsqrt(tf.add(meanSquare, epsilon)));
    return weight ? tf.mul(normalised, weight) : normalised;
  });
}
