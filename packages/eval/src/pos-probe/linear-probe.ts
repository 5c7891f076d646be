import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, linear, meanSoftmaxCrossEntropy, Rng } from '@maria-ts/core';
import { AdamW } from '@maria-ts/optim';

/** Which columns of a feature matrix a probe reads: [start, end). */
export interface ColumnRange {
  readonly start: number;
  readonly end: number;
}

/** Row-major features with the column range one probe reads. */
export interface FeatureView {
  readonly values: Float32Array;
  readonly rows: number;
  /** Total columns of `values`. */
  readonly width: number;
  readonly columns: ColumnRange;
}

/** Options of `trainLinearProbe`. */
export interface LinearProbeOptions {
  readonly classes: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly weightDecay?: number;
  readonly seed?: number;
  /** Called after each step with the step's loss. */
  readonly onStep?: (loss: number, step: number, totalSteps: number) => void;
}

/**
 * A trained softmax-regression probe: standardisation of the features (train mean and
 * standard deviation, so one learning rate suits features of any scale) followed by one
 * linear layer. Linear end to end, as a probe must be: it measures what the frozen
 * representation already separates, not what a deeper classifier could learn.
 */
export interface LinearProbe {
  readonly columns: ColumnRange;
  readonly mean: Float32Array;
  readonly scale: Float32Array;
  /** [dim, classes] */
  readonly weight: tf.Variable<tf.Rank.R2>;
  /** [classes] */
  readonly bias: tf.Variable<tf.Rank.R1>;
}

/** Copies rows `indices` of the view's columns into a [n, dim] standardised tensor. */
function batchTensor(view: FeatureView, indices: ArrayLike<number>, mean: Float32Array, scale: Float32Array): tf.Tensor2D {
  const dim = view.columns.end - view.columns.start;
  const out = new Float32Array(indices.length * dim);
  for (let r = 0; r < indices.length; r++) {
    const base = (indices[r] as number) * view.width + view.columns.start;
    for (let c = 0; c < dim; c++) out[r * dim + c] = ((view.values[base + c] as number) - (mean[c] as number)) * (scale[c] as number);
  }
  return tf.tensor2d(out, [indices.length, dim]);
}

/** Per-column mean and 1/std of the view (std floored at 1e-6). */
function standardisation(view: FeatureView): { mean: Float32Array; scale: Float32Array } {
  const dim = view.columns.end - view.columns.start;
  const sum = new Float64Array(dim);
  const squares = new Float64Array(dim);
  for (let r = 0; r < view.rows; r++) {
    const base = r * view.width + view.columns.start;
    for (let c = 0; c < dim; c++) {
      const v = view.values[base + c] as number;
      sum[c] = (sum[c] as number) + v;
      squares[c] = (squares[c] as number) + v * v;
    }
  }
  const mean = Float32Array.from(sum, (s) => s / Math.max(1, view.rows));
  const scale = Float32Array.from(squares, (q, c) => 1 / Math.sqrt(Math.max(1e-12, q / Math.max(1, view.rows) - (mean[c] as number) ** 2)));
  return { mean, scale };
}

/**
 * Trains a linear probe (softmax regression) with AdamW on mini-batches drawn in a seeded
 * order: zero-initialised weights, so the result depends only on the data, the options and
 * the seed. Labels are class indices in [0, classes).
 */
export function trainLinearProbe(view: FeatureView, labels: Int32Array, options: LinearProbeOptions): LinearProbe {
  if (labels.length !== view.rows) throw new InvalidArgumentError('labels', labels.length, `one label per feature row (${view.rows})`);
  if (view.rows === 0) throw new InvalidArgumentError('features', 0, 'at least one training row');
  const dim = view.columns.end - view.columns.start;
  const epochs = options.epochs ?? 3;
  const batchSize = options.batchSize ?? 256;
  const learningRate = options.learningRate ?? 1e-2;
  const rng = new Rng(options.seed ?? 0);
  const { mean, scale } = standardisation(view);
  // Inside tidy so the zero tensors the variables are made from are freed (variables survive tidy).
  const weight = tf.tidy(() => tf.variable(tf.zeros([dim, options.classes]), true)) as tf.Variable<tf.Rank.R2>;
  const bias = tf.tidy(() => tf.variable(tf.zeros([options.classes]), true)) as tf.Variable<tf.Rank.R1>;
  const optimizer = new AdamW({ weightDecay: options.weightDecay ?? 0 });
  const order = Array.from({ length: view.rows }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(view.rows / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  try {
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < view.rows; start += batchSize) {
        const indices = order.slice(start, start + batchSize);
        const loss = tf.tidy(() => {
          const x = batchTensor(view, indices, mean, scale);
          const y = tf.tensor1d(Int32Array.from(indices, (i) => labels[i] as number), 'int32');
          const { value, grads } = tf.variableGrads(() => meanSoftmaxCrossEntropy(linear(x, weight, bias) as tf.Tensor2D, y), [weight, bias]);
          optimizer.apply([weight, bias], grads, learningRate);
          return value;
        });
        step += 1;
        const value = loss.dataSync()[0] as number;
        loss.dispose();
        options.onStep?.(value, step, totalSteps);
      }
    }
  } catch (error) {
    weight.dispose();
    bias.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { columns: view.columns, mean, scale, weight, bias };
}

/** The probe's predicted class of every row of `view` (which must have the probe's columns). */
export function predictLinearProbe(probe: LinearProbe, view: FeatureView, chunk = 4096): Int32Array {
  const predictions = new Int32Array(view.rows);
  for (let start = 0; start < view.rows; start += chunk) {
    const indices = Array.from({ length: Math.min(chunk, view.rows - start) }, (_, i) => start + i);
    const argmax = tf.tidy(() => tf.argMax(linear(batchTensor({ ...view, columns: probe.columns }, indices, probe.mean, probe.scale), probe.weight, probe.bias), 1));
    predictions.set(argmax.dataSync(), start);
    argmax.dispose();
  }
  return predictions;
}

/** Frees the probe's variables. */
export function disposeLinearProbe(probe: LinearProbe): void {
  probe.weight.dispose();
  probe.bias.dispose();
}
