import { AbortedError, InvalidArgumentError, type Rng } from '@maria-ts/core';
import { linearSchedule, type TemperatureSchedule } from './temperature-schedule.js';

/**
 * Resamples `masked` positions of `ids` at `temperature` and returns the new sequence. With
 * MARIA this is one MLM pass on the re-masked sequence plus KV-cached AR decoding
 * (Algorithm 1); any infiller with that contract works (e.g. a masked-diffusion sampler).
 */
export type Infill = (ids: readonly number[], masked: readonly number[], temperature: number, rng: Rng) => Promise<number[]>;

/** What `onIteration` receives after each iteration (iteration 0 is the initial sample). */
export interface AnnealIteration {
  readonly iteration: number;
  readonly temperature: number;
  readonly ids: readonly number[];
  readonly masked: readonly number[];
  /** Milliseconds since `anneal` started, from the injected clock. */
  readonly elapsedMs: number;
}

export interface AnnealOptions {
  /** The initial sequence x⁰, typically sampled from the AR model at T = 1. */
  readonly initial: readonly number[];
  readonly infill: Infill;
  /** K, the number of remask-and-resample iterations. */
  readonly iterations: number;
  /** Share of positions remasked per iteration (default 0.3, as in the paper). */
  readonly remaskFraction?: number;
  readonly schedule?: TemperatureSchedule;
  /** Positions never remasked (e.g. a BOS token or a user prompt). */
  readonly frozen?: ReadonlySet<number>;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
  readonly onIteration?: (event: AnnealIteration) => void;
  readonly now?: () => number;
}

/**
 * Picks `max(1, round(fraction · |eligible|))` distinct positions uniformly at random among
 * the eligible ones, in increasing order.
 */
export function pickRemaskPositions(length: number, fraction: number, rng: Rng, frozen: ReadonlySet<number> = new Set()): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new InvalidArgumentError('remask fraction', fraction, 'a number in (0, 1]');
  const eligible = Array.from({ length }, (_, i) => i).filter((i) => !frozen.has(i));
  if (eligible.length === 0) throw new InvalidArgumentError('sequence', length, 'at least one position that is not frozen');
  const count = Math.max(1, Math.round(fraction * eligible.length));
  return rng.shuffle(eligible).slice(0, count).sort((a, b) => a - b);
}

/**
 * Simulated annealing for unconditional generation (DESIGN.md §1): starting from x⁰, for
 * k = 1…K remask a random 30% of the positions and resample them with the infiller at
 * temperature T_k, where T follows `schedule` (linear 1 → 0 by default). Seeded through
 * `rng`, cancellable through `signal`, and reporting every iteration to `onIteration`.
 */
export async function anneal(options: AnnealOptions): Promise<number[]> {
  const { iterations, rng } = options;
  if (!Number.isInteger(iterations) || iterations < 0) throw new InvalidArgumentError('iterations', iterations, 'an integer >= 0');
  const schedule = options.schedule ?? linearSchedule();
  const now = options.now ?? (() => performance.now());
  const start = now();
  let ids = [...options.initial];
  options.onIteration?.({ iteration: 0, temperature: 1, ids, masked: [], elapsedMs: now() - start });
  for (let k = 1; k <= iterations; k++) {
    if (options.signal?.aborted) throw new AbortedError('annealing');
    const temperature = Math.max(0, schedule(k, iterations));
    const masked = pickRemaskPositions(ids.length, options.remaskFraction ?? 0.3, rng, options.frozen);
    const next = await options.infill(ids, masked, temperature, rng);
    if (next.length !== ids.length) throw new InvalidArgumentError('infill result length', next.length, `${ids.length} (the input length)`);
    ids = next;
    options.onIteration?.({ iteration: k, temperature, ids, masked, elapsedMs: now() - start });
  }
  return ids;
}
