import * as tf from '@tensorflow/tfjs';
import { binaryCustomGrad } from './binary-custom-grad.js';
import { ShapeMismatchError } from '../../errors.js';

/*
 * Fused softmax cross-entropy. Composing logSoftmax + gather through autodiff keeps
 * several [N, V] intermediates alive and routes the backward pass through gather's
 * unsupported gradient on wasm. Here the forward pass is logsumexp minus the picked logit,
 * and the backward pass is the closed form (softmax − onehot) · dy in one expression.
 */
const fused = binaryCustomGrad<tf.Tensor1D>((logits: tf.Tensor, labels: tf.Tensor, save: tf.GradSaveFunc) => {
  const vocab = logits.shape[1] as number;
  const logNormaliser = tf.logSumExp(logits, 1, true);
  const picked = tf.sum(tf.mul(logits, tf.oneHot(labels as tf.Tensor1D, vocab)), 1);
  save([logits, labels, logNormaliser]);
  return {
    value: tf.sub(tf.squeeze(logNormaliser, [1]), picked),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedLogits, savedLabels, savedNormaliser] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
      const probabilities = tf.exp(tf.sub(savedLogits, savedNormaliser));
      const residual = tf.sub(probabilities, tf.oneHot(savedLabels, vocab));
      return [tf.mul(residual, tf.expandDims(dy, 1)), tf.zerosLike(savedLabels)];
    },
  };
});

/**
 * Per-row negative log-likelihood `logsumexp(logits_i) − logits_i[label_i]` for logits
 * [N, V] and int32 labels [N]; differentiable in `logits`.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeMismatchError('softmaxCrossEntropy labels', labels.shape, [logits.shape[0] ?? null]);
  }
  return fused(logits, labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32'));
}

/**
 * Mean cross-entropy over rows, optionally weighted: `Σ wᵢ·nllᵢ / Σ wᵢ`. With 0/1 weights
 * this is the mean over the selected rows (MARIA's loss over masked positions).
 */
export function meanSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const perRow = softmaxCrossEntropy(logits, labels);
    if (!weights) return tf.mean(perRow);
    return tf.div(tf.sum(tf.mul(perRow, weights)), tf.maximum(tf.sum(weights), 1e-12));
  });
}
