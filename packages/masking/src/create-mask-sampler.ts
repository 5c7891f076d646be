import { InvalidArgumentError } from '@maria-ts/core';
import { betaMaskSampler } from './beta-mask-sampler.js';
import { fixedCountMaskSampler } from './fixed-count-mask-sampler.js';
import { fixedRateMaskSampler } from './fixed-rate-mask-sampler.js';
import type { MaskSampler } from './mask-sampler.js';
import { mdlmMaskSampler } from './mdlm-mask-sampler.js';

/**
 * A JSON-serialisable description of a mask sampler, so training configs, checkpoints and
 * CLI flags can name the masking they used and rebuild it exactly.
 */
export type MaskSamplerSpec =
  | { readonly kind: 'beta'; readonly alpha?: number; readonly beta?: number }
  | { readonly kind: 'fixed-rate'; readonly rate: number }
  | { readonly kind: 'mdlm'; readonly minT?: number; readonly stratified?: boolean }
  | { readonly kind: 'fixed-count'; readonly rate: number }
  | { readonly kind: 'fixed-count'; readonly count: number };

/** The sampler kinds `createMaskSampler` knows. */
export const maskSamplerKinds = ['beta', 'fixed-rate', 'mdlm', 'fixed-count'] as const;

/** Builds the sampler a `MaskSamplerSpec` describes; an unknown kind is a typed error listing the known ones. */
export function createMaskSampler(spec: MaskSamplerSpec): MaskSampler {
  switch (spec.kind) {
    case 'beta':
      return betaMaskSampler(spec);
    case 'fixed-rate':
      return fixedRateMaskSampler(spec);
    case 'mdlm':
      return mdlmMaskSampler(spec);
    case 'fixed-count':
      return fixedCountMaskSampler('count' in spec ? { count: spec.count } : { rate: spec.rate });
    default:
      throw new InvalidArgumentError('mask sampler kind', (spec as { kind: unknown }).kind, `one of ${maskSamplerKinds.join(', ')}`);
  }
}
