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
    // tf.moments' arithmetic without its extra cast, reshape and second subtraction (on
    // tfjs-node, 13 kernels a norm become 10; each kernel costs tens of µs there).
    const centered = tf.sub(x, tf.mean(x, -1, true));
    const variance = tf.mean(tf.square(centered), -1, true);
    let y = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
    if (parameters.weight) y = tf.mul(y, parameters.weight);
    if (parameters.bias) y = tf.add(y, parameters.bias);
    return y;
  });
}
