import { InvalidArgumentError } from '@maria-ts/core';
import { bernoulliMask } from './bernoulli-mask.js';
import type { MaskSample, MaskSampler } from './mask-sampler.js';

/**
 * Masks each eligible position independently with a fixed probability `rate` in (0, 1],
 * with at least one position masked. The classic MLM recipe (rate 0.15 or 0.3) and the
 * per-rate evaluation sweeps use it; the number of masked positions varies from sequence
 * to sequence (use `fixedCountMaskSampler` for an exact count).
 */
export function fixedRateMaskSampler(options: { readonly rate: number }): MaskSampler {
  const { rate } = options;
  if (!(rate > 0 && rate <= 1)) throw new InvalidArgumentError('masking rate', rate, 'a number in (0, 1]');
  return {
    kind: 'fixed-rate',
    sample(eligible, rng): MaskSample {
      return { ...bernoulliMask(eligible, rate, rng), rate };
    },
  };
}
