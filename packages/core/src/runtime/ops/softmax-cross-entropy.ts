import * as tf from '@tensorflow/tfjs';
import { binaryCustomGrad } from './binary-custom-grad.js';
import { ShapeMismatchError } from '../../errors.js';

/*
 * Fused softmax cross-entropy. Composing logSoftmax + gather through autodiff keeps
 * several [N, V] intermediates alive and routes the backward pass through gather's
 * unsupported gradient on wasm. Elementwise kernels run on one thread even in the threaded
 * wasm build, so every [N, V] pass saved here is time that threads cannot win back.
 *
 * Forward: p = softmax(logits) in one kernel (wasm's Softmax is SIMD; its Exp is a scalar
 * loop, 2.5× slower than the whole softmax on [1024, 8192]). The log-normaliser comes from p
 * without a second exponential: with m the row max, p at the arg-max is exp(0)/Z, so
 * log Z = −log max(p), and logsumexp = m − log max(p). max(p) ≥ 1/V never underflows, so the
 * loss stays finite and exact however wrong the prediction. NLL = logsumexp − logits[label].
 * Backward: (p − onehot)·dy as p·dy (one [N, V] pass) with the N label entries then set
 * to (p[label] − 1)·dy (a copy and a scatter), instead of divide, one-hot, subtract, multiply.
 */
const fused = binaryCustomGrad<tf.Tensor1D>((logits: tf.Tensor, labels: tf.Tensor, save: tf.GradSaveFunc) => {
  const [rows, vocab] = logits.shape as [number, number];
  const probabilities = tf.softmax(logits);
  const logNormaliser = tf.sub(tf.max(logits, 1), tf.log(tf.max(probabilities, 1)));
  const flatIndex = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(vocab, 'int32')), labels);
  const picked = tf.gather(tf.reshape(logits, [-1]), flatIndex);
  save([probabilities, labels]);
  return {
    value: tf.sub(logNormaliser, picked),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedProbabilities, savedLabels] = saved as [tf.Tensor2D, tf.Tensor1D];
      const scaled = tf.mul(savedProbabilities, tf.expandDims(dy, 1));
      const labelCells = tf.stack([tf.range(0, rows, 1, 'int32'), savedLabels], 1);
      const atLabels = tf.mul(tf.sub(tf.gatherND(savedProbabilities, labelCells), 1), dy);
      return [tf.tensorScatterUpdate(scaled, labelCells, atLabels), tf.zerosLike(savedLabels)];
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
