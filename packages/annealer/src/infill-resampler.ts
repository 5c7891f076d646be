import type { MariaModel } from '@maria-ts/core';
import { infill, type InfillMethod } from '@maria-ts/kv-decoder';
import type { Resampler } from './resampler.js';

export interface InfillResamplerOptions {
  /** Which infill decoder redraws the positions, default `'maria'` (Algorithm 1). */
  readonly method?: InfillMethod;
  readonly topK?: number;
  readonly topP?: number;
  /** Denoising steps when `method` is `'diffusion'`. */
  readonly diffusionSteps?: number;
}

/**
 * A `Resampler` backed by `@maria-ts/kv-decoder`'s `infill`: by default MARIA's Algorithm 1,
 * i.e. one MLM pass on the re-masked sequence and KV-cached AR decoding of the remasked
 * positions at the iteration's temperature (0 = greedy). Each call draws one 32-bit seed
 * from the annealer's `Rng` for the decoder's own stream, so a run is fixed by its seed.
 */
export function infillResampler(model: MariaModel, options: InfillResamplerOptions = {}): Resampler {
  const { method = 'maria', ...sampling } = options;
  return async ({ ids, positions, temperature, rng, signal }) => {
    const result = await infill(model, { ids, masked: positions, seed: rng.nextUint32() }, { ...sampling, method, temperature, ...(signal ? { signal } : {}) });
    return result.ids;
  };
}

/** MARIA's resampler (Algorithm 1), the annealer's default for a `MariaModel`. */
export function mariaResampler(model: MariaModel, options: Omit<InfillResamplerOptions, 'method'> = {}): Resampler {
  return infillResampler(model, { ...options, method: 'maria' });
}
