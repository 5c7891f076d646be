import type { Rng, tf } from '@maria-ts/core';

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
export interface TrainingTask {
  /** Trainable variables, in an order that is the same every time the task is built. */
  readonly variables: readonly tf.Variable[];
  /**
   * Differentiable mean loss of one micro-batch. `rng` is the step's own stream (masking
   * rates, diffusion times), derived from the seed and the step so a resumed run draws the
   * same numbers.
   */
  loss(batch: TokenBatch, rng: Rng): tf.Scalar;
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
