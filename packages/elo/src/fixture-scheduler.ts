import { InvalidArgumentError, Rng } from '@maria-ts/core';

/** One scheduled comparison: the output of `a` and of `b` on document `prompt` go to the judge. */
export interface Fixture {
  readonly a: string;
  readonly b: string;
  /** Index of the prompt (document) to compare on, when `prompts` was given. */
  readonly prompt?: number;
}

export interface FixtureScheduleOptions {
  /** At least two distinct model names. */
  readonly models: readonly string[];
  /** How many fixtures to schedule. */
  readonly count: number;
  /** Number of prompts to spread the fixtures over; each is used ⌊count/prompts⌋ or ⌈count/prompts⌉ times. */
  readonly prompts?: number;
  /** Seed, default 0; ignored when `rng` is given. */
  readonly seed?: number;
  readonly rng?: Rng;
}

/**
 * Schedules random, balanced pairings for an ELO tournament. Pairs are dealt in cycles:
 * every cycle plays each unordered pair of distinct models exactly once, so pair counts
 * differ by at most one. Within a cycle the next pair is drawn at random among the
 * unplayed pairs whose models have played least (smallest max, then smallest sum of
 * appearances), which in practice keeps every model's appearance count within two of the
 * others at every prefix, so a tournament stopped early is still balanced. Sides are a
 * fair coin per fixture, so neither model is systematically "A".
 */
export function scheduleFixtures(options: FixtureScheduleOptions): Fixture[] {
  const models = [...options.models];
  if (models.length < 2 || new Set(models).size !== models.length || models.some((model) => typeof model !== 'string' || model.length === 0)) {
    throw new InvalidArgumentError('models', options.models, 'at least two distinct, non-empty model names');
  }
  const { count, prompts } = options;
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('count', count, 'a non-negative integer');
  if (prompts !== undefined && (!Number.isInteger(prompts) || prompts < 1)) throw new InvalidArgumentError('prompts', prompts, 'a positive integer');
  const rng = options.rng ?? new Rng(options.seed ?? 0);

  const allPairs: [number, number][] = [];
  for (let first = 0; first < models.length; first++) {
    for (let second = first + 1; second < models.length; second++) allPairs.push([first, second]);
  }
  const appearances = new Float64Array(models.length);
  let remaining: [number, number][] = [];
  let promptCycle: number[] = [];
  const fixtures: Fixture[] = [];
  while (fixtures.length < count) {
    if (remaining.length === 0) remaining = [...allPairs];
    const [first, second] = remaining.splice(pickLeastPlayed(remaining, appearances, rng), 1)[0] as [number, number];
    appearances[first] = (appearances[first] as number) + 1;
    appearances[second] = (appearances[second] as number) + 1;
    const [a, b] = rng.bernoulli(0.5) ? [second, first] : [first, second];
    const fixture: { a: string; b: string; prompt?: number } = { a: models[a] as string, b: models[b] as string };
    if (prompts !== undefined) {
      if (promptCycle.length === 0) promptCycle = rng.shuffle(Array.from({ length: prompts }, (_, prompt) => prompt));
      fixture.prompt = promptCycle.pop() as number;
    }
    fixtures.push(fixture);
  }
  return fixtures;
}

/** Index of a uniformly random pair among those with the fewest appearances (max, then sum). */
function pickLeastPlayed(pairs: readonly [number, number][], appearances: Float64Array, rng: Rng): number {
  let best: number[] = [];
  let bestMax = Infinity;
  let bestSum = Infinity;
  pairs.forEach(([first, second], position) => {
    const left = appearances[first] as number;
    const right = appearances[second] as number;
    const most = Math.max(left, right);
    const sum = left + right;
    if (most < bestMax || (most === bestMax && sum < bestSum)) {
      best = [position];
      bestMax = most;
      bestSum = sum;
    } else if (most === bestMax && sum === bestSum) {
      best.push(position);
    }
  });
  return best[rng.int(best.length)] as number;
}
