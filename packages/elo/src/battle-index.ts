import { InvalidArgumentError } from '@maria-ts/core';
import { type Battle, validateBattles } from './battle.js';

/** How a tie enters the likelihood. */
export type TieConvention = 'half' | 'win-each';

/** Result of one battle from the point of view of its pair's first model (lower index). */
export const FIRST_WON = 0;
export const SECOND_WON = 1;
export const TIED = 2;

/**
 * Battles reduced to integers: the models in a fixed order, every unordered pair that met
 * once, and for each battle its pair and its result seen from the pair's first model. The
 * fit only needs per-pair totals, so match order and A/B sides drop out here, and the
 * bootstrap can resample by re-weighting battles instead of copying objects.
 */
export interface BattleIndex {
  /** Model names; the fit's coefficient `i` belongs to `models[i]`. */
  readonly models: readonly string[];
  /** For each pair p: the lower model index. */
  readonly pairFirst: Int32Array;
  /** For each pair p: the higher model index. */
  readonly pairSecond: Int32Array;
  /** For each battle: its pair. */
  readonly battlePair: Int32Array;
  /** For each battle: FIRST_WON, SECOND_WON or TIED. */
  readonly battleResult: Uint8Array;
}

/**
 * Indexes `battles`. Models are `models` when given (in that order; every battle must use
 * them) or else every model named in a battle, sorted by code unit so that the result
 * does not depend on battle order.
 */
export function indexBattles(battles: readonly Battle[], models?: readonly string[]): BattleIndex {
  validateBattles(battles);
  const names = models ? [...models] : [...new Set(battles.flatMap((battle) => [battle.a, battle.b]))].sort();
  const position = new Map<string, number>();
  names.forEach((name, index) => {
    if (position.has(name)) throw new InvalidArgumentError('models', names, 'distinct model names');
    position.set(name, index);
  });
  const lookup = (name: string, index: number) => {
    const found = position.get(name);
    if (found === undefined) throw new InvalidArgumentError(`battles[${index}]`, name, `one of the listed models (${names.join(', ')})`);
    return found;
  };

  const pairOf = new Map<number, number>();
  const pairFirst: number[] = [];
  const pairSecond: number[] = [];
  const battlePair = new Int32Array(battles.length);
  const battleResult = new Uint8Array(battles.length);
  battles.forEach((battle, index) => {
    const a = lookup(battle.a, index);
    const b = lookup(battle.b, index);
    const first = Math.min(a, b);
    const second = Math.max(a, b);
    const key = first * names.length + second;
    let pair = pairOf.get(key);
    if (pair === undefined) {
      pair = pairFirst.length;
      pairOf.set(key, pair);
      pairFirst.push(first);
      pairSecond.push(second);
    }
    battlePair[index] = pair;
    const winner = battle.outcome === 'tie' ? -1 : battle.outcome === 'a' ? a : b;
    battleResult[index] = winner === -1 ? TIED : winner === first ? FIRST_WON : SECOND_WON;
  });
  return { models: names, pairFirst: Int32Array.from(pairFirst), pairSecond: Int32Array.from(pairSecond), battlePair, battleResult };
}

/**
 * Per-pair sufficient statistics of the Bradley–Terry likelihood: `weight[p]` observations
 * of pair p, of which the first model won `firstWins[p]` (fractional under ties).
 */
export interface PairTotals {
  readonly weight: Float64Array;
  readonly firstWins: Float64Array;
}

/**
 * Sums battles into pair totals. `multiplicity[k]` (default 1) is how often battle k
 * counts, which is how the bootstrap resamples. Ties: `'half'` adds one observation
 * with target 0.5; `'win-each'` adds two observations, one won by each side.
 */
export function pairTotals(index: BattleIndex, ties: TieConvention, multiplicity?: ArrayLike<number>): PairTotals {
  const pairs = index.pairFirst.length;
  const weight = new Float64Array(pairs);
  const firstWins = new Float64Array(pairs);
  // A tie is one observation won half by each side, or two observations, one won by each.
  const tieWeight = ties === 'half' ? 1 : 2;
  const tieFirstWins = ties === 'half' ? 0.5 : 1;
  for (let k = 0; k < index.battlePair.length; k++) {
    const count = multiplicity ? (multiplicity[k] ?? 0) : 1;
    if (count === 0) continue;
    const pair = index.battlePair[k] as number;
    const result = index.battleResult[k];
    if (result === TIED) {
      weight[pair] = (weight[pair] as number) + tieWeight * count;
      firstWins[pair] = (firstWins[pair] as number) + tieFirstWins * count;
    } else {
      weight[pair] = (weight[pair] as number) + count;
      if (result === FIRST_WON) firstWins[pair] = (firstWins[pair] as number) + count;
    }
  }
  return { weight, firstWins };
}
