import * as tf from '@tensorflow/tfjs';

/** Optional affine parameters of a LayerNorm; OLMo's norm has neither, ModernBERT's has no bias. */
export interface LayerNormParameters {
  readonly weight: tf.Tensor1D | null;
  readonly bias: tf.Tensor1D | null;
}

/**
 * LayerNorm over the last axis, `(x − mean) / √(var + ε) · weight + bias`, with the biased
 * variance as PyTorch computes it. Either affine parameter may be absent.
 */
export function layerNorm(x: tf.Tensor, parameters: LayerNormParameters, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    if (parameters.weight) y = tf.mul(y, parameters.weight);
    if (parameters.bias) y = tf.add(y, parameters.bias);
    return y;
  });
}
