import { InvalidArgumentError } from '@maria-ts/core';
import { requireEligiblePositions } from './bernoulli-mask.js';
import type { MaskSample, MaskSampler } from './mask-sampler.js';

/** Either a share of the eligible positions or an absolute number of them. */
export type FixedCountMaskSamplerOptions = { readonly rate: number; readonly count?: never } | { readonly count: number; readonly rate?: never };

/**
 * The number of positions a fixed-count mask covers among `eligibleCount` positions:
 * `count`, or ⌈rate · eligibleCount⌉ (at least 1). The product is rounded to 9 decimals
 * first so that e.g. 0.3 · 10 (= 3.0000000000000004 in floating point) gives 3, not 4.
 */
export function fixedMaskCount(options: FixedCountMaskSamplerOptions, eligibleCount: number): number {
  if (options.count !== undefined) return options.count;
  return Math.max(1, Math.ceil(Number((options.rate * eligibleCount).toFixed(9))));
}

/**
 * Masks exactly ⌈rate · n⌉ (or exactly `count`) of the n eligible positions, chosen
 * uniformly without replacement. Evaluation uses it so that every method at a given
 * rate is scored on the same number of masked tokens, without the Binomial spread of
 * `fixedRateMaskSampler`. Asking for more positions than are eligible is a typed error.
 */
export function fixedCountMaskSampler(options: FixedCountMaskSamplerOptions): MaskSampler {
  if (options.count !== undefined) {
    if (!Number.isInteger(options.count) || options.count < 1) throw new InvalidArgumentError('mask count', options.count, 'an integer ≥ 1');
  } else if (!(options.rate > 0 && options.rate <= 1)) {
    throw new InvalidArgumentError('masking rate', options.rate, 'a number in (0, 1]');
  }
  return {
    kind: 'fixed-count',
    sample(eligible, rng): MaskSample {
      const positions = requireEligiblePositions(eligible);
      const count = fixedMaskCount(options, positions.length);
      if (count > positions.length) {
        throw new InvalidArgumentError('mask count', count, `at most the ${positions.length} eligible positions of a sequence of length ${eligible.length}`);
      }
      // Partial Fisher–Yates: the first `count` entries become a uniform random subset.
      const mask = new Uint8Array(eligible.length);
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(positions.length - i);
        const chosen = positions[j] as number;
        positions[j] = positions[i] as number;
        positions[i] = chosen;
        mask[chosen] = 1;
      }
      return { mask, count, rate: count / positions.length };
    },
  };
}
