import { Rng } from '@maria-ts/core';
import { eligiblePositions, fixedCountMaskSampler, fixedRateMaskSampler, requireEligiblePositions, type MaskSampler } from '@maria-ts/masking';

/** Options of `drawEvaluationMasks`. */
export interface EvaluationMaskOptions {
  /** Masking rate in (0, 1]. */
  readonly rate: number;
  readonly seed: number;
  /**
   * `'fixed-count'` (default): exactly ⌈rate · n⌉ of each example's n eligible positions, so
   * every example at a rate is scored on the same share of tokens. `'fixed-rate'`: each
   * position independently with probability `rate` (at least one).
   */
  readonly sampler?: 'fixed-count' | 'fixed-rate';
  /** Ids never masked (the tokenizer's special tokens). */
  readonly specialIds?: Iterable<number>;
}

/**
 * The masks every method is scored on, drawn once per example. Example i draws from its own
 * stream, the i-th `split()` of `new Rng(seed)`, so its mask depends only on the seed, its
 * index and its own length: not on batching, on the other examples, or on which methods run.
 * Streams restart for every rate, so with the fixed-count sampler the masks are nested
 * across rates (the 0.1 mask of an example is contained in its 0.3 mask), which makes the
 * columns of the PPL table differ by the rate alone.
 */
export function drawEvaluationMasks(ids: readonly (readonly number[])[], options: EvaluationMaskOptions): Uint8Array[] {
  const sampler: MaskSampler = options.sampler === 'fixed-rate' ? fixedRateMaskSampler({ rate: options.rate }) : fixedCountMaskSampler({ rate: options.rate });
  const specialIds = [...(options.specialIds ?? [])];
  const root = new Rng(options.seed);
  return ids.map((row, index) => {
    const stream = root.split();
    const eligible = eligiblePositions(row, { specialIds });
    requireEligiblePositions(eligible, `evaluation example ${index}`);
    return sampler.sample(eligible, stream).mask;
  });
}
