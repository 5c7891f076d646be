import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@maria-ts/core';

/** A micro-batch of token ids, row-major [batch, length]. */
export interface TokenBatch {
  readonly ids: Int32Array;
  readonly batch: number;
  readonly length: number;
}

/**
 * What the trainer optimises. Pretraining (AR, MLM, diffusion) and head training are tasks;
 * the loop, optimizer, schedule, checkpoints and metrics are shared.
 */
export interface TrainingTask<Prepared = unknown> {
  /** Trainable variables, in an order that is the same every time the task is built. */
  readonly variables: readonly tf.Variable[];
  /**
   * Optional work on a micro-batch done *outside* the gradient scope, e.g. running frozen
   * backbones to get the features a head trains on: nothing computed here is recorded on the
   * tape, so no gradient work (or memory) is spent on it. It draws from the same `rng` as
   * `loss`, before it. It returns a tensor or an object of tensors, which the trainer disposes
   * after the micro-batch.
   */
  prepare?(batch: TokenBatch, rng: Rng): Prepared;
  /**
   * Differentiable mean loss of one micro-batch. `rng` is the step's own stream (masking
   * rates, diffusion times), derived from the seed and the step so a resumed run draws the
   * same numbers. `prepared` is what `prepare` returned for this micro-batch, if defined.
   */
  loss(batch: TokenBatch, rng: Rng, prepared?: Prepared): tf.Scalar;
}

/**
 * Batches by position, so the batch of any step can be produced without replaying the
 * ones before it (what makes resume exact without saving a data-loader state).
 */
export interface BatchSource {
  /** Micro-batch `micro` of optimisation step `step`. */
  train(step: number, micro: number): TokenBatch;
  /** Number of validation batches available. */
  readonly validationBatches: number;
  validation(index: number): TokenBatch;
}
