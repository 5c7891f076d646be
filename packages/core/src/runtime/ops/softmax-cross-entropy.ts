import * as tf from '@tensorflow/tfjs';
import { binaryCustomGrad } from './binary-custom-grad.js';
import { ShapeMismatchError } from '../../errors.js';

/*
 * Fused softmax cross-entropy. Composing logSoftmax + gather through autodiff keeps
 * several [N, V] intermediates alive and routes the backward pass through gather's
 * unsupported gradient on wasm. Here the forward pass is logsumexp minus the picked logit
 * (picked with a gather of N values, not a one-hot product over [N, V]), and it keeps the
 * exponentials it computed, so the backward pass, (softmax − onehot) · dy, needs no second
 * exp over [N, V]. Elementwise kernels run on one thread even in the threaded wasm build,
 * so every [N, V] pass saved here is time that threads cannot win back.
 */
const fused = binaryCustomGrad<tf.Tensor1D>((logits: tf.Tensor, labels: tf.Tensor, save: tf.GradSaveFunc) => {
  const [rows, vocab] = logits.shape as [number, number];
  const rowMax = tf.max(logits, 1, true);
  const exponentials = tf.exp(tf.sub(logits, rowMax));
  const partition = tf.sum(exponentials, 1, true);
  const logNormaliser = tf.add(tf.squeeze(rowMax, [1]), tf.log(tf.squeeze(partition, [1])));
  const flatIndex = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(vocab, 'int32')), labels);
  const picked = tf.gather(tf.reshape(logits, [-1]), flatIndex);
  save([exponentials, partition, labels]);
  return {
    value: tf.sub(logNormaliser, picked),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedExponentials, savedPartition, savedLabels] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const probabilities = tf.div(savedExponentials, savedPartition);
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
