import { InvalidArgumentError } from '@maria-ts/core';
import { bernoulliMask } from './bernoulli-mask.js';
import type { MaskSampler, MdlmMaskSample } from './mask-sampler.js';

/** Options of the masked-diffusion (MDLM) sampler. */
export interface MdlmMaskSamplerOptions {
  /**
   * Lower end of t, default 1e-3: t is drawn from U(minT, 1), which keeps the 1/t weight
   * bounded by 1/minT (the MDLM reference implementation uses the same epsilon).
   */
  readonly minT?: number;
  /**
   * Low-discrepancy t across a batch, default false: the draw in slot i of a batch of B
   * takes u = (i + U(0,1)) / B instead of U(0,1), so every batch covers the whole range of
   * t and the loss has lower variance. Without a slot (a single sequence) it has no effect.
   */
  readonly stratified?: boolean;
  /**
   * Allow a draw that masks nothing (count 0) instead of forcing one position. The 1/t
   * weighted objective is unbiased only without the forced position: forcing one inflates
   * the estimate by E[(1−t)^L/(tL)], about 1% at L = 128 and over 50% at L = 8.
   * Default false, like every sampler here.
   */
  readonly allowEmpty?: boolean;
}

/**
 * The masked-diffusion (MDLM/SMDM) training mask: draw t, mask each eligible position
 * independently with probability t (at least one), and weight the sequence's
 * cross-entropy by 1/t (`weight`). Forcing one masked position at tiny t biases the
 * estimator negligibly next to the 1/t clamp from `minT`.
 */
export function mdlmMaskSampler(options: MdlmMaskSamplerOptions = {}): MaskSampler<MdlmMaskSample> {
  const minT = options.minT ?? 1e-3;
  const stratified = options.stratified ?? false;
  if (!(minT > 0 && minT < 1)) throw new InvalidArgumentError('MDLM minT', minT, 'a number in (0, 1)');
  return {
    kind: 'mdlm',
    sample(eligible, rng, slot): MdlmMaskSample {
      const u = stratified && slot !== undefined ? (slot.index + rng.uniform()) / slot.size : rng.uniform();
      const t = minT + (1 - minT) * u;
      return { ...bernoulliMask(eligible, t, rng, { allowEmpty: options.allowEmpty ?? false }), rate: t, t, weight: 1 / t };
    },
  };
}
