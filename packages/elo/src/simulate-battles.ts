import { InvalidArgumentError, type Rng } from '@maria-ts/core';
import type { Battle } from './battle.js';
import { winProbability } from './rating-scale.js';

/**
 * Draws decisive outcomes for `fixtures` from the Bradley–Terry model with known
 * `ratings`: A wins with probability 1/(1 + 10^((R_B − R_A)/400)). A fit must give the
 * ratings back from enough such battles, which is the end-to-end check of the fit (and a
 * sanity check a benchmark can run on its own schedule).
 */
export function simulateBattles(
  ratings: ReadonlyMap<string, number>,
  fixtures: readonly { readonly a: string; readonly b: string }[],
  rng: Rng,
): Battle[] {
  const rating = (name: string) => {
    const value = ratings.get(name);
    if (value === undefined || !Number.isFinite(value)) throw new InvalidArgumentError(`rating of ${name}`, value, 'a finite rating');
    return value;
  };
  return fixtures.map(({ a, b }) => ({ a, b, outcome: rng.bernoulli(winProbability(rating(a), rating(b))) ? 'a' : 'b' }));
}
