import { InvalidArgumentError, Rng } from '@maria-ts/core';
import type { Battle } from './battle.js';
import { indexBattles, pairTotals } from './battle-index.js';
import { type BradleyTerryFit, type BradleyTerryOptions, checkTieConvention, fitPairTotals } from './bradley-terry.js';
import { EloDisconnectedError } from './errors.js';
import { percentile } from './percentile.js';

export interface BootstrapOptions extends BradleyTerryOptions {
  /** Resamples, default 1000 (the Arena uses 100–1000). */
  readonly rounds?: number;
  /** Central coverage of the percentile interval, default 0.95 (2.5th to 97.5th percentile). */
  readonly confidence?: number;
  /** Seed of the resampling stream, default 0; ignored when `rng` is given. */
  readonly seed?: number;
  readonly rng?: Rng;
  /**
   * Policy for resamples that separate (a model that lost a few times may win every
   * resampled game), default `'pseudo-ties'`: such a round's ratings include pseudo-ties
   * (large but finite gaps, which widen the interval as they should) and it is counted
   * in `separatedRounds`. `'error'` throws instead. The full-data fit uses `onSeparation`.
   */
  readonly resampleSeparation?: BradleyTerryOptions['onSeparation'];
}

/** One model's row of the leaderboard. */
export interface RatingInterval {
  readonly model: string;
  /** The maximum-likelihood rating on all battles. */
  readonly rating: number;
  /** Median of the bootstrap ratings. */
  readonly median: number;
  /** Percentile interval bounds of the bootstrap ratings. */
  readonly lower: number;
  readonly upper: number;
}

export interface BootstrapResult {
  /** The fit on all battles. */
  readonly fit: BradleyTerryFit;
  /** One row per model, best rating first. */
  readonly intervals: readonly RatingInterval[];
  readonly confidence: number;
  /** Rounds that entered the intervals. */
  readonly rounds: number;
  /** Rounds whose resample separated and were fitted with pseudo-ties (see `resampleSeparation`). */
  readonly separatedRounds: number;
  /** Rounds dropped because the resample left some model without a battle linking it to the rest. */
  readonly disconnectedRounds: number;
}

/**
 * Bootstrap confidence intervals for Bradley–Terry ratings, as the Arena reports them:
 * resample the battles with replacement `rounds` times, refit each resample, and take
 * percentile intervals of each model's rating. Resampling is seeded through core's `Rng`
 * and done by battle multiplicities, so a round costs one pass over the battles plus a
 * few Newton steps on the pair totals.
 */
export function bootstrapRatings(battles: readonly Battle[], options: BootstrapOptions = {}): BootstrapResult {
  const rounds = options.rounds ?? 1000;
  if (!Number.isInteger(rounds) || rounds < 2) throw new InvalidArgumentError('rounds', rounds, 'an integer ≥ 2 (100–1000 is usual)');
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new InvalidArgumentError('confidence', confidence, 'a number in (0, 1)');
  if (battles.length === 0) throw new InvalidArgumentError('battles', battles.length, 'at least one battle');
  const ties = options.ties ?? 'half';
  checkTieConvention(ties);
  const rng = options.rng ?? new Rng(options.seed ?? 0);

  const index = indexBattles(battles, options.models);
  const fit = fitPairTotals(index, pairTotals(index, ties), battles.length, options);
  const resampleOptions: BradleyTerryOptions = { ...options, onSeparation: options.resampleSeparation ?? 'pseudo-ties' };

  const samples = index.models.map(() => new Float64Array(rounds));
  const multiplicity = new Int32Array(battles.length);
  let kept = 0;
  let separatedRounds = 0;
  let disconnectedRounds = 0;
  for (let round = 0; round < rounds; round++) {
    multiplicity.fill(0);
    for (let draw = 0; draw < battles.length; draw++) {
      const battle = rng.int(battles.length);
      multiplicity[battle] = (multiplicity[battle] as number) + 1;
    }
    let resampled: BradleyTerryFit;
    try {
      resampled = fitPairTotals(index, pairTotals(index, ties, multiplicity), battles.length, resampleOptions);
    } catch (error) {
      if (EloDisconnectedError.isInstance(error)) {
        disconnectedRounds++;
        continue;
      }
      throw error;
    }
    if (resampled.separated) separatedRounds++;
    index.models.forEach((model, position) => {
      (samples[position] as Float64Array)[kept] = resampled.ratings.get(model) as number;
    });
    kept++;
  }
  if (kept === 0) {
    throw new InvalidArgumentError('battles', battles.length, 'resamples that connect every model (every bootstrap round dropped some model)');
  }

  const tail = (1 - confidence) / 2;
  const intervals = index.models
    .map((model, position) => {
      const sorted = (samples[position] as Float64Array).subarray(0, kept).sort();
      return {
        model,
        rating: fit.ratings.get(model) as number,
        median: percentile(sorted, 0.5),
        lower: percentile(sorted, tail),
        upper: percentile(sorted, 1 - tail),
      };
    })
    .sort((left, right) => right.rating - left.rating);
  return { fit, intervals, confidence, rounds: kept, separatedRounds, disconnectedRounds };
}
