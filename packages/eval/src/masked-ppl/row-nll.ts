import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '@maria-ts/core';

/**
 * Per-row NLL `logsumexp(logits) − logits[label]` on the host, over the first `vocabSize`
 * columns (a backbone's projection may carry padding rows beyond the shared tokenizer's
 * vocabulary; every method normalises over the same vocabulary as the fusion head).
 * Does not dispose `logits`.
 */
export function rowNll(logits: tf.Tensor2D, labels: ArrayLike<number>, vocabSize: number): Float32Array {
  const nll = tf.tidy(() => {
    const restricted = (logits.shape[1] as number) > vocabSize ? logits.slice([0, 0], [-1, vocabSize]) : logits;
    return softmaxCrossEntropy(restricted, tf.tensor1d(Int32Array.from(labels), 'int32'));
  });
  const values = Float32Array.from(nll.dataSync());
  nll.dispose();
  return values;
}

/** Calls `body(start, end)` over [0, count) in chunks of at most `size`. */
export function forEachChunk(count: number, size: number, body: (start: number, end: number) => void): void {
  for (let start = 0; start < count; start += size) body(start, Math.min(count, start + size));
}

/** An int32 [rows, length] tensor from equal-length rows. */
export function idMatrix(rows: readonly (readonly number[])[]): tf.Tensor2D {
  const length = rows[0]?.length ?? 0;
  const data = new Int32Array(rows.length * length);
  rows.forEach((row, r) => data.set(row, r * length));
  return tf.tensor2d(data, [rows.length, length], 'int32');
}

/**
 * The NLL of `labels` at the flat rows `flatRows` (b·length + i) of `hidden` [batch, length, d]:
 * gathers those rows, applies `project` ([n, d] → [n, ≥vocab] logits) in chunks of
 * `maxRows`, and returns the per-row NLL. Does not dispose `hidden`.
 */
export function gatheredRowNll(
  hidden: tf.Tensor3D,
  flatRows: Int32Array,
  labels: Int32Array,
  project: (rows: tf.Tensor2D) => tf.Tensor,
  vocabSize: number,
  maxRows: number,
): Float32Array {
  const [batch, length, width] = hidden.shape;
  const out = new Float32Array(flatRows.length);
  forEachChunk(flatRows.length, maxRows, (start, end) => {
    const logits = tf.tidy(() => {
      const rows = tf.gather(hidden.reshape([batch * length, width]), tf.tensor1d(flatRows.subarray(start, end), 'int32')) as tf.Tensor2D;
      return project(rows) as tf.Tensor2D;
    });
    out.set(rowNll(logits, labels.subarray(start, end), vocabSize), start);
    logits.dispose();
  });
  return out;
}
