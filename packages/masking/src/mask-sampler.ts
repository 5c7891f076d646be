import type { Rng } from '@maria-ts/core';
import type { PositionFlags } from './eligibility.js';

/** One drawn mask for one sequence. */
export interface MaskSample {
  /** 1 = masked, 0 = kept; one entry per position of the sequence. */
  readonly mask: Uint8Array;
  /**
   * The masking probability behind this draw: r ~ Beta for MARIA, the fixed rate, t for
   * MDLM, or count / eligible positions for the fixed-count sampler. Logged as a metric.
   */
  readonly rate: number;
  /** Number of masked positions; ≥ 1 unless the sampler was built with `allowEmpty`. */
  readonly count: number;
}

/** An MDLM draw: also carries t and the 1/t weight of its cross-entropy. */
export interface MdlmMaskSample extends MaskSample {
  /** The diffusion time t (equal to `rate`). */
  readonly t: number;
  /** 1/t, the weight of this sequence's masked-token cross-entropy in the MDLM objective. */
  readonly weight: number;
}

/**
 * Where a draw sits in its batch. Samplers that stratify over the batch (MDLM's
 * low-discrepancy t) use it; the others ignore it.
 */
export interface BatchSlot {
  readonly index: number;
  readonly size: number;
}

/**
 * Draws a 0/1 mask over the eligible positions of one sequence. Every sampler masks at
 * least one position and never an ineligible one, and takes its randomness only from the
 * `rng` it is given, so the same seed yields the same masks (and a resumed training run
 * continues the same mask stream from `rng.getState()`).
 *
 * Throws `NoEligiblePositionsError` when no position is eligible.
 */
export interface MaskSampler<Sample extends MaskSample = MaskSample> {
  /** The sampler's kind, as in `MaskSamplerSpec` (e.g. `'beta'`). */
  readonly kind: string;
  sample(eligible: PositionFlags, rng: Rng, slot?: BatchSlot): Sample;
}
