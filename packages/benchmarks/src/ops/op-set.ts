import * as tf from '@tensorflow/tfjs';
import { matMul, softmaxCrossEntropy } from '@maria-ts/core';

/**
 * The two ways of writing the same model that the ops benchmark compares: tfjs's own ops,
 * as a straightforward port would call them, and core's fast ops (ARCHITECTURE.md §2.2).
 */
export interface OpSet {
  readonly name: 'builtin' | 'fast';
  matMul(a: tf.Tensor, b: tf.Tensor, transposeB?: boolean): tf.Tensor;
  /** Mean cross-entropy of logits [N, V] against int32 labels [N]. */
  crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
}

export const builtinOps: OpSet = {
  name: 'builtin',
  matMul: (a, b, transposeB = false) => {
    if (b.rank === 2 && a.rank > 2) {
      const leading = a.shape.slice(0, -1);
      const product = tf.matMul(a.reshape([-1, a.shape[a.rank - 1] as number]) as tf.Tensor2D, b as tf.Tensor2D, false, transposeB);
      return product.reshape([...leading, product.shape[1] as number]);
    }
    return tf.matMul(a, b, false, transposeB);
  },
  crossEntropy: (logits, labels) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1] as number), logits) as tf.Scalar,
};

export const fastOps: OpSet = {
  name: 'fast',
  matMul: (a, b, transposeB = false) => matMul(a, b, { transposeB }),
  crossEntropy: (logits, labels) => tf.mean(softmaxCrossEntropy(logits, labels)) as tf.Scalar,
};
