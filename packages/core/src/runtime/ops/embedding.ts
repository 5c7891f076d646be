import * as tf from '@tensorflow/tfjs';
import { binaryCustomGrad } from './binary-custom-grad.js';

/*
 * tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend does not register
 * ("kernel not found" at the first backward pass). The gradient of an embedding lookup is
 * a scatter-add of the output gradient into the table's rows, which scatterND computes
 * directly: it sums rows for repeated ids.
 */
const lookup = binaryCustomGrad<tf.Tensor>((table: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
  save([ids]);
  const tableShape = table.shape as [number, number];
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedIds] = saved as [tf.Tensor];
      const rows = tf.reshape(savedIds, [-1, 1]);
      const flatGrad = tf.reshape(dy, [-1, tableShape[1]]);
      return [tf.scatterND(rows, flatGrad, tableShape), tf.zerosLike(savedIds)];
    },
  };
});

/**
 * Embedding lookup: rows of `table` [vocab, dim] at int32 `ids` of any shape → [...ids.shape, dim].
 * Differentiable on every backend: on wasm through the scatter-add gradient above, elsewhere
 * through the engine's own `tf.gather` gradient.
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const intIds = ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32');
  // Native engines have UnsortedSegmentSum: tf.gather's own gradient runs there.
  return tf.getBackend() === 'wasm' ? lookup(table, intIds) : tf.gather(table, intIds);
}
