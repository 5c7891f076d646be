import { InvalidArgumentError, type LanguageBackbone, Registry, type Rng, embeddingLookup, meanSoftmaxCrossEntropy, softmaxCrossEntropy, tf } from '@maria-ts/core';
import { fixedRateMaskSampler, mdlmMaskSampler, type MaskSampler, type MdlmMaskSample } from '@maria-ts/masking';
import type { TokenBatch, TrainingTask } from '../trainer/training-task.js';

/**
 * Pretraining objectives for the tiny backbones (issue [Tiny models]), each a `TrainingTask`
 * over a backbone's own variables:
 * - `ar`: next-token prediction on every position.
 * - `mlm`: a fixed 30% of positions replaced by `[MASK]`, cross-entropy on those. We use
 *   100% `[MASK]` replacement rather than BERT's 80/10/10, because MARIA only ever shows the
 *   MLM `[MASK]` at the positions it asks about; the random/keep cases train a skill MARIA
 *   never uses.
 * - `diffusion`: MDLM — t ~ U(0,1) per sequence, each position masked with probability t,
 *   cross-entropy on the masked positions weighted by 1/t, normalised by the number of
 *   tokens (a Monte Carlo estimate of the NELBO). t is stratified across the batch, and a
 *   sequence may draw no masked position (forcing one would bias the 1/t estimate).
 */
export type ObjectiveName = 'ar' | 'mlm' | 'diffusion';

export interface ObjectiveOptions {
  readonly maskTokenId?: number;
  /** MLM masking rate (default 0.3). */
  readonly maskRate?: number;
}

const allEligible = (length: number) => new Uint8Array(length).fill(1);

/** Rows [B·T, d] of hidden states at flat indices, differentiably (gather's gradient is missing on wasm). */
function hiddenAt(hidden: tf.Tensor3D, flatIndices: Int32Array): tf.Tensor2D {
  const [batch, length, width] = hidden.shape;
  return embeddingLookup(hidden.reshape([batch * length, width]) as tf.Tensor2D, tf.tensor1d(flatIndices, 'int32')) as tf.Tensor2D;
}

function arTask(backbone: LanguageBackbone): TrainingTask {
  return {
    variables: backbone.variables(),
    loss(batch: TokenBatch) {
      return tf.tidy(() => {
        const ids = tf.tensor2d(batch.ids, [batch.batch, batch.length], 'int32');
        const { hidden } = backbone.forward(ids.slice([0, 0], [batch.batch, batch.length - 1]) as tf.Tensor2D);
        const logits = backbone.project(hidden).reshape([batch.batch * (batch.length - 1), -1]) as tf.Tensor2D;
        const targets = ids.slice([0, 1], [batch.batch, batch.length - 1]).reshape([-1]) as tf.Tensor1D;
        return meanSoftmaxCrossEntropy(logits, targets);
      });
    },
  };
}

function maskedTask(backbone: LanguageBackbone, maskTokenId: number, sampler: MaskSampler, weighted: boolean): TrainingTask {
  return {
    variables: backbone.variables(),
    loss(batch: TokenBatch, rng: Rng) {
      const masked = Int32Array.from(batch.ids);
      const positions: number[] = [];
      const targets: number[] = [];
      const weights: number[] = [];
      for (let row = 0; row < batch.batch; row++) {
        const sample = sampler.sample(allEligible(batch.length), rng, { index: row, size: batch.batch });
        const weight = weighted ? (sample as MdlmMaskSample).weight : 1;
        sample.mask.forEach((flag, t) => {
          if (!flag) return;
          const flat = row * batch.length + t;
          masked[flat] = maskTokenId;
          positions.push(flat);
          targets.push(batch.ids[flat] as number);
          weights.push(weight);
        });
      }
      if (positions.length === 0) {
        // Only possible with MDLM's empty draws: score one position at weight 0, so the loss is
        // 0 but still a function of the variables.
        positions.push(0);
        targets.push(batch.ids[0] as number);
        weights.push(0);
      }
      return tf.tidy(() => {
        const { hidden } = backbone.forward(tf.tensor2d(masked, [batch.batch, batch.length], 'int32'));
        const logits = backbone.project(hiddenAt(hidden, Int32Array.from(positions))) as tf.Tensor2D;
        const labels = tf.tensor1d(targets, 'int32');
        if (!weighted) return meanSoftmaxCrossEntropy(logits, labels);
        // MDLM: Σ_masked CE/t over all tokens of the batch.
        const weightedSum = tf.sum(tf.mul(softmaxCrossEntropy(logits, labels), tf.tensor1d(weights)));
        return tf.div(weightedSum, batch.batch * batch.length) as tf.Scalar;
      });
    },
  };
}

/** Objectives by name; each needs a backbone of the right kind. */
export const objectives = new Registry<(backbone: LanguageBackbone, options: ObjectiveOptions) => TrainingTask>('objective');
objectives.register('ar', (backbone) => arTask(backbone), 3);
objectives.register('mlm', (backbone, options) => maskedTask(backbone, requireMask(options), fixedRateMaskSampler({ rate: options.maskRate ?? 0.3 }), false), 2);
// Stratified t across the batch lowers the variance; empty draws keep the 1/t estimate unbiased.
objectives.register('diffusion', (backbone, options) => maskedTask(backbone, requireMask(options), mdlmMaskSampler({ stratified: true, allowEmpty: true }), true), 1);

function requireMask(options: ObjectiveOptions): number {
  if (options.maskTokenId === undefined) throw new InvalidArgumentError('mask token id', undefined, "a tokenizer with a [MASK] token for the mlm and diffusion objectives");
  return options.maskTokenId;
}
