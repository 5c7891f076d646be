import * as tf from '@tensorflow/tfjs';
import { type ARBackbone, InvalidArgumentError, softmaxCrossEntropy } from '@maria-ts/core';
import type { ScoringWindow } from './rolling-windows.js';

/** Summed next-token loss over a set of windows. */
export interface LanguageModelLoss {
  /** Σ −ln p(x_i | context) over every scored token, in nats. */
  readonly nll: number;
  readonly tokens: number;
}

/**
 * Scores windows with an AR backbone, `batchSize` windows per forward pass. Each window is fed
 * as `[BOS, ids…]` so its first token is predicted too (from BOS when it has no other context).
 * Windows shorter than the longest in a batch are padded at the end; padded positions are
 * never scored, and causal attention keeps them from affecting the real ones.
 */
export function scoreWindows(ar: ARBackbone, windows: readonly ScoringWindow[], options: { batchSize: number; padId: number; onBatch?: (done: number) => void }): LanguageModelLoss {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new InvalidArgumentError('batchSize', options.batchSize, 'an integer ≥ 1');
  let nll = 0;
  let tokens = 0;
  for (let first = 0; first < windows.length; first += options.batchSize) {
    const batch = windows.slice(first, first + options.batchSize);
    const length = Math.max(...batch.map((window) => window.ids.length));
    const input = new Int32Array(batch.length * length).fill(options.padId);
    const rows: number[] = [];
    const targets: number[] = [];
    batch.forEach((window, row) => {
      input[row * length] = ar.bosTokenId;
      window.ids.forEach((id, i) => {
        if (i + 1 < length) input[row * length + i + 1] = id;
        if (i >= window.ids.length - window.scored) {
          rows.push(row * length + i);
          targets.push(id);
        }
      });
    });
    const summed = tf.tidy(() => {
      const { hidden } = ar.forward(tf.tensor2d(input, [batch.length, length], 'int32'));
      const picked = tf.gather(hidden.reshape([batch.length * length, -1]), tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
      return tf.sum(softmaxCrossEntropy(ar.project(picked) as tf.Tensor2D, tf.tensor1d(targets, 'int32')));
    });
    nll += (summed.dataSync()[0] as number);
    summed.dispose();
    tokens += targets.length;
    options.onBatch?.(Math.min(first + options.batchSize, windows.length));
  }
  return { nll, tokens };
}
