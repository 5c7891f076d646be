import { InvalidArgumentError, type Rng } from '@maria-ts/core';
import { positionsOf, type PositionFlags } from './eligibility.js';
import { NoEligiblePositionsError } from './errors.js';

/** The eligible positions of one sequence, or a typed error when there are none. */
export function requireEligiblePositions(eligible: PositionFlags, what = 'sequence'): number[] {
  const positions = positionsOf(eligible);
  if (positions.length === 0) throw new NoEligiblePositionsError(what, eligible.length);
  return positions;
}

/**
 * Masks each eligible position independently with probability `probability` (one
 * uniform draw per eligible position, in order). If that masks nothing, one eligible
 * position chosen uniformly is masked instead, so the masked-token loss is always
 * defined; this nudges the masked fraction of very short sequences at very low rates
 * upwards and is otherwise invisible. `allowEmpty` skips that fallback, for estimators
 * (MDLM's 1/t-weighted NELBO) that are only unbiased with plain Bernoulli draws.
 */
export function bernoulliMask(eligible: PositionFlags, probability: number, rng: Rng, options: { allowEmpty?: boolean } = {}): { mask: Uint8Array; count: number } {
  if (!(probability >= 0 && probability <= 1)) throw new InvalidArgumentError('masking probability', probability, 'a number in [0, 1]');
  const positions = requireEligiblePositions(eligible);
  const mask = new Uint8Array(eligible.length);
  let count = 0;
  for (const position of positions) {
    if (rng.uniform() < probability) {
      mask[position] = 1;
      count++;
    }
  }
  if (count === 0 && !options.allowEmpty) {
    mask[positions[rng.int(positions.length)] as number] = 1;
    count = 1;
  }
  return { mask, count };
}
