import * as tf from '@tensorflow/tfjs';
import { type FusionHead, InvalidArgumentError, ShapeMismatchError, meanSoftmaxCrossEntropy } from '@maria-ts/core';
import type { FractionGate } from './fraction-gate.js';
import type { MariaModel } from './maria-model.js';

/**
 * What the head's loss reads from one batch: the aligned states at the masked positions
 * only, and the true tokens there. The backbones are frozen, so these are constants of
 * the optimisation: computing them once, outside any gradient scope, means no backbone
 * gradient work is ever done and the head's backward pass touches [N, d] matrices only.
 */
export interface MaskedFeatures {
  /** [N, dAR]: `h_AR(i-1)` at each masked position i. */
  readonly hAR: tf.Tensor2D;
  /** [N, dMLM]: `h_MLM(i)` of the masked input at each masked position i. */
  readonly hMLM: tf.Tensor2D;
  /** [N] int32: the clean token x_i at each masked position. */
  readonly targets: tf.Tensor1D;
  /** [N]: the masked fraction (masked positions / length) of the sequence of each masked position, for a `FractionGate`. */
  readonly fractions?: tf.Tensor1D;
}

/** A rectangular batch of clean ids and its 0/1 masks, row-major. */
export interface MaskedBatch {
  /** [batch·length] clean ids. */
  readonly ids: ArrayLike<number>;
  /** [batch·length] truthy where the position is masked (hidden from the MLM and scored). */
  readonly mask: ArrayLike<number | boolean>;
  readonly batch: number;
  readonly length: number;
}

/**
 * Runs both frozen backbones once over a batch (the AR model on the clean ids with the BOS
 * shift, the MLM on x̃ with the mask token at masked positions) and gathers the aligned states
 * of every masked position. The caller disposes the result (`tf.dispose(features)`).
 */
export function maskedFeatures(model: MariaModel, batch: MaskedBatch): MaskedFeatures {
  const { ids, mask, batch: rows, length } = batch;
  if (ids.length !== rows * length || mask.length !== rows * length) throw new ShapeMismatchError('masked batch ids/mask', [ids.length, mask.length], [rows * length, rows * length]);
  const indices: number[] = [];
  const masked = Int32Array.from(ids);
  for (let index = 0; index < masked.length; index++) {
    if (!mask[index]) continue;
    indices.push(index);
    masked[index] = model.maskTokenId;
  }
  if (indices.length === 0) throw new InvalidArgumentError('mask', 'no masked position', 'at least one masked position in the batch');
  const targets = Int32Array.from(indices, (index) => ids[index] as number);
  const maskedPerRow = new Float32Array(rows);
  for (const index of indices) maskedPerRow[Math.floor(index / length)] = (maskedPerRow[Math.floor(index / length)] as number) + 1;
  const fractions = Float32Array.from(indices, (index) => (maskedPerRow[Math.floor(index / length)] as number) / length);
  for (const target of targets) {
    if (!(target >= 0 && target < model.vocabSize)) throw new InvalidArgumentError('token id', target, `an id below the head's vocabulary size ${model.vocabSize}`);
  }
  return tf.tidy(() => {
    const states = model.alignedStates(tf.tensor2d(Int32Array.from(ids), [rows, length], 'int32'), tf.tensor2d(masked, [rows, length], 'int32'));
    const rowsIndex = tf.tensor1d(Int32Array.from(indices), 'int32');
    return {
      hAR: tf.gather(states.hAR.reshape([rows * length, states.hAR.shape[2]]), rowsIndex) as tf.Tensor2D,
      hMLM: tf.gather(states.hMLM.reshape([rows * length, states.hMLM.shape[2]]), rowsIndex) as tf.Tensor2D,
      targets: tf.tensor1d(targets, 'int32'),
      fractions: tf.tensor1d(fractions),
    };
  });
}

/**
 * MARIA's training loss (ARCHITECTURE.md §1.4): the mean over masked positions of
 * `-log softmax(W3·[h_AR(i-1) ; h_MLM(i)] + b3)[x_i]`, every position in one pass, with
 * core's fused softmax cross-entropy. Differentiable in the head's variables only.
 */
export function headMaskedTokenLoss(head: FusionHead, features: MaskedFeatures, gate?: FractionGate): tf.Scalar {
  if (gate === undefined) return tf.tidy(() => meanSoftmaxCrossEntropy(head.logits(features.hAR, features.hMLM), features.targets));
  const { fractions } = features;
  if (fractions === undefined) throw new InvalidArgumentError('masked features', 'no fractions', 'features from maskedFeatures (a fraction gate needs each position\'s masked fraction)');
  return tf.tidy(() => meanSoftmaxCrossEntropy(gate.logits(head, features.hAR, features.hMLM, fractions), features.targets));
}

/** `maskedFeatures` then `headMaskedTokenLoss`, for evaluation: one call, nothing left allocated but the scalar. */
export function maskedTokenLoss(model: MariaModel, batch: MaskedBatch): tf.Scalar {
  const features = maskedFeatures(model, batch);
  try {
    return headMaskedTokenLoss(model.head, features);
  } finally {
    tf.dispose(features as unknown as tf.TensorContainer);
  }
}

/** Mean NLL of the same masked tokens under MARIA, the AR model alone and the MLM alone. */
export interface ExpertLosses {
  readonly maria: number;
  /** `-log p_AR(x_i | x_<i)`: the AR model's own projection of `h_AR(i-1)`; it ignores the future. */
  readonly ar: number;
  /** `-log p_MLM(x_i | x̃)`: the MLM's own projection of `h_MLM(i)`. */
  readonly mlm: number;
  /** Masked tokens scored. */
  readonly tokens: number;
}

/**
 * The three masked-token losses on the same features: MARIA's head, and each backbone's own
 * vocab projection. Backbone logits are cut to the head's vocabulary (padding rows dropped)
 * so all three normalise over the same ids.
 */
export function expertLosses(model: MariaModel, features: MaskedFeatures): ExpertLosses {
  const vocab = model.vocabSize;
  const value = (scalar: tf.Scalar) => {
    const number = scalar.dataSync()[0] as number;
    scalar.dispose();
    return number;
  };
  const expert = (logits: tf.Tensor) => tf.tidy(() => meanSoftmaxCrossEntropy((logits as tf.Tensor2D).slice([0, 0], [-1, vocab]), features.targets));
  return {
    maria: value(headMaskedTokenLoss(model.head, features)),
    ar: value(tf.tidy(() => expert(model.ar.project(features.hAR)))),
    mlm: value(tf.tidy(() => expert(model.mlmVocabLogits(features.hMLM)))),
    tokens: features.targets.shape[0],
  };
}
