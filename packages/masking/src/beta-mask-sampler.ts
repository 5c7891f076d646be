import { InvalidArgumentError } from '@maria-ts/core';
import { bernoulliMask } from './bernoulli-mask.js';
import type { MaskSample, MaskSampler } from './mask-sampler.js';

/** Shape parameters of the per-sequence masking-rate distribution. */
export interface BetaMaskSamplerOptions {
  /** Default 2.5, as in the MARIA paper. */
  readonly alpha?: number;
  /** Default 2.5, as in the MARIA paper. */
  readonly beta?: number;
}

/**
 * MARIA's training mask: for each sequence draw a rate r ~ Beta(alpha, beta) (default
 * Beta(2.5, 2.5): mean 1/2, variance 1/24), then mask each eligible position
 * independently with probability r, with at least one position masked. The wide spread
 * of r teaches the head both nearly-clean and nearly-fully-masked contexts.
 */
export function betaMaskSampler(options: BetaMaskSamplerOptions = {}): MaskSampler {
  const alpha = options.alpha ?? 2.5;
  const beta = options.beta ?? 2.5;
  for (const [name, value] of [['alpha', alpha], ['beta', beta]] as const) {
    if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`Beta ${name}`, value, 'a finite number > 0');
  }
  return {
    kind: 'beta',
    sample(eligible, rng): MaskSample {
      const rate = rng.beta(alpha, beta);
      return { ...bernoulliMask(eligible, rate, rng), rate };
    },
  };
}
