import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type LanguageBackbone, Registry, type Rng, embeddingLookup, meanSoftmaxCrossEntropy, softmaxCrossEntropy } from '@maria-ts/core';
import { bernoulliMask, fixedRateMaskSampler, mdlmMaskSampler, type MaskSample, type MaskSampler, type MdlmMaskSample } from '@maria-ts/masking';
import type { TokenBatch, TrainingTask } from '../trainer/training-task.js';

/**
 * Pretraining objectives for the tiny backbones (issue [Tiny models]), each a `TrainingTask`
 * over a backbone's own variables:
 * - `ar`: next-token prediction on every position.
 * - `mlm`: a fixed 30% of positions (or, with a rate range, a rate drawn per sequence: see
 *   `MaskRate`) replaced by `[MASK]`, cross-entropy on those. We use
 *   100% `[MASK]` replacement rather than BERT's 80/10/10, because MARIA only ever shows the
 *   MLM `[MASK]` at the positions it asks about; the random/keep cases train a skill MARIA
 *   never uses.
 * - `diffusion`: MDLM — t ~ U(0,1) per sequence, each position masked with probability t,
 *   cross-entropy on the masked positions weighted by 1/t, normalised by the number of
 *   tokens (a Monte Carlo estimate of the NELBO). t is stratified across the batch, and a
 *   sequence may draw no masked position (forcing one would bias the 1/t estimate).
 */
export type ObjectiveName = 'ar' | 'mlm' | 'diffusion';

/**
 * The MLM masking rate: one fixed rate, or a range [min, max] from which each sequence draws
 * its own rate, stratified across the batch (sequence i of B draws uniformly from the i-th of B
 * equal slices of the range), so one batch covers the whole range and the MLM learns to predict
 * from nearly clean and from mostly masked contexts alike.
 */
export type MaskRate = number | { readonly min: number; readonly max: number };

export interface ObjectiveOptions {
  readonly maskTokenId?: number;
  /** MLM masking rate (default 0.3). */
  readonly maskRate?: MaskRate;
}

/** Parses `--mask-rate`: `p` (a fixed rate in (0, 1]) or `min:max` (a range, 0 < min < max ≤ 1). */
export function parseMaskRate(value: string): MaskRate {
  const expected = 'a rate p in (0, 1] or a range min:max with 0 < min < max <= 1';
  const parts = value.split(':');
  const numbers = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  if (parts.length === 1 && numbers[0]! > 0 && numbers[0]! <= 1) return numbers[0]!;
  if (parts.length === 2 && numbers[0]! > 0 && numbers[0]! < numbers[1]! && numbers[1]! <= 1) return { min: numbers[0]!, max: numbers[1]! };
  throw new InvalidArgumentError('--mask-rate', value, expected);
}

/** Per-sequence rates stratified over [min, max] across the batch (see `MaskRate`). */
export function rangeRateMaskSampler(range: { readonly min: number; readonly max: number }): MaskSampler {
  const { min, max } = range;
  if (!(min > 0 && min < max && max <= 1)) throw new InvalidArgumentError('masking rate range', `${min}:${max}`, 'a range min:max with 0 < min < max <= 1');
  return {
    kind: 'range-rate',
    sample(eligible, rng, slot): MaskSample {
      const u = slot === undefined ? rng.uniform() : (slot.index + rng.uniform()) / slot.size;
      const rate = min + (max - min) * u;
      return { ...bernoulliMask(eligible, rate, rng), rate };
    },
  };
}

function mlmSampler(rate: MaskRate | undefined): MaskSampler {
  return typeof rate === 'object' ? rangeRateMaskSampler(rate) : fixedRateMaskSampler({ rate: rate ?? 0.3 });
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
objectives.register('mlm', (backbone, options) => maskedTask(backbone, requireMask(options), mlmSampler(options.maskRate), false), 2);
// Stratified t across the batch lowers the variance; empty draws keep the 1/t estimate unbiased.
objectives.register('diffusion', (backbone, options) => maskedTask(backbone, requireMask(options), mdlmMaskSampler({ stratified: true, allowEmpty: true }), true), 1);

function requireMask(options: ObjectiveOptions): number {
  if (options.maskTokenId === undefined) throw new InvalidArgumentError('mask token id', undefined, "a tokenizer with a [MASK] token for the mlm and diffusion objectives");
  return options.maskTokenId;
}
