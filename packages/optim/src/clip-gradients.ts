import * as tf from '@tensorflow/tfjs';

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (as PyTorch's
 * `clip_grad_norm_`), returning the new gradients and the norm before clipping (for logs).
 * The input gradients are disposed.
 */
export function clipByGlobalNorm(
  gradients: Record<string, tf.Tensor>,
  maxNorm: number,
): { gradients: Record<string, tf.Tensor>; norm: number } {
  const names = Object.keys(gradients);
  const norm = tf.tidy(() => Math.sqrt(tf.addN(names.map((name) => tf.sum(tf.square(gradients[name] as tf.Tensor)))).dataSync()[0] as number));
  if (!(norm > maxNorm)) return { gradients, norm };
  const scale = maxNorm / (norm + 1e-6);
  const clipped: Record<string, tf.Tensor> = {};
  for (const name of names) {
    const gradient = gradients[name] as tf.Tensor;
    clipped[name] = tf.mul(gradient, scale);
    gradient.dispose();
  }
  return { gradients: clipped, norm };
}
