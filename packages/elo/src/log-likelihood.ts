import { InvalidArgumentError } from '@maria-ts/core';
import { type Battle, validateBattles } from './battle.js';
import type { TieConvention } from './battle-index.js';
import { winProbability } from './rating-scale.js';

/**
 * Natural-log likelihood of `battles` under given ratings, summed battle by battle:
 * a win adds log P(winner beats loser); a tie adds ½·log p + ½·log(1−p) (`'half'`) or
 * log p + log(1−p) (`'win-each'`). This is the objective the fit maximises, written
 * independently of the fit's pairwise totals so that tests and reports can check a fit
 * (its gradient is ~0 at the MLE) and compare ratings on held-out battles.
 */
export function battleLogLikelihood(battles: readonly Battle[], ratings: ReadonlyMap<string, number>, ties: TieConvention = 'half'): number {
  validateBattles(battles);
  const rating = (name: string) => {
    const value = ratings.get(name);
    if (value === undefined || !Number.isFinite(value)) throw new InvalidArgumentError(`rating of ${name}`, value, 'a finite rating');
    return value;
  };
  let total = 0;
  for (const battle of battles) {
    const probabilityA = winProbability(rating(battle.a), rating(battle.b));
    if (battle.outcome === 'a') total += Math.log(probabilityA);
    else if (battle.outcome === 'b') total += Math.log1p(-probabilityA);
    else total += (ties === 'half' ? 0.5 : 1) * (Math.log(probabilityA) + Math.log1p(-probabilityA));
  }
  return total;
}
