import { AbortedError, InvalidArgumentError, type Rng } from '@maria-ts/core';
import type { Resampler } from './resampler.js';
import { linearSchedule, type TemperatureSchedule } from './temperature-schedule.js';

/** What `onIteration` receives after each iteration (iteration 0 is the initial sample x⁰). */
export interface AnnealIteration {
  readonly iteration: number;
  /** Temperature the iteration resampled at (for iteration 0, that of x⁰). */
  readonly temperature: number;
  /** The sequence after this iteration (a fresh array each time). */
  readonly tokens: readonly number[];
  /** Positions remasked and resampled in this iteration (empty for iteration 0). */
  readonly positions: readonly number[];
  /** Milliseconds since `startedAt` (default: since `anneal` was called), from the injected clock. */
  readonly elapsedMs: number;
}

export interface AnnealOptions {
  /** The initial sequence x⁰, typically sampled from the AR model at T = 1. */
  readonly initial: readonly number[];
  readonly resampler: Resampler;
  /** K, the number of remask-and-resample iterations. */
  readonly iterations: number;
  /** Share of the (unfrozen) positions remasked per iteration, in [0, 1]; default 0.3 as in the paper. */
  readonly remaskFraction?: number;
  /** T_k for k = 1…K; default linear from 1 to 0. */
  readonly schedule?: TemperatureSchedule;
  /** Temperature reported for iteration 0 (how x⁰ was drawn), default 1. */
  readonly initialTemperature?: number;
  /** Positions never remasked (e.g. a user prompt). */
  readonly frozen?: ReadonlySet<number>;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
  readonly onIteration?: (event: AnnealIteration) => void;
  /** The clock, default `performance.now`. */
  readonly now?: () => number;
  /** Clock reading that elapsed times count from, e.g. before x⁰ was sampled; default the call time. */
  readonly startedAt?: number;
}

/**
 * Picks `round(fraction · |eligible|)` distinct positions uniformly at random among the
 * positions not in `frozen` (at least one when `fraction > 0`), in increasing order.
 */
export function pickRemaskPositions(length: number, fraction: number, rng: Rng, frozen: ReadonlySet<number> = new Set()): number[] {
  if (!(fraction >= 0 && fraction <= 1)) throw new InvalidArgumentError('remask fraction', fraction, 'a number in [0, 1]');
  if (fraction === 0) return [];
  const eligible = Array.from({ length }, (_, i) => i).filter((i) => !frozen.has(i));
  if (eligible.length === 0) throw new InvalidArgumentError('sequence', length, 'at least one position that is not frozen');
  const count = Math.max(1, Math.round(fraction * eligible.length));
  return rng.shuffle(eligible).slice(0, count).sort((a, b) => a - b);
}

function checkResampled(before: readonly number[], after: unknown, positions: readonly number[], iteration: number): number[] {
  if (!Array.isArray(after) || after.length !== before.length) {
    throw new InvalidArgumentError(`resampler result at iteration ${iteration}`, Array.isArray(after) ? `length ${after.length}` : after, `an array of ${before.length} token ids (the input length)`);
  }
  const allowed = new Set(positions);
  for (let i = 0; i < before.length; i++) {
    const id = after[i] as unknown;
    if (!Number.isInteger(id)) throw new InvalidArgumentError(`resampler result at iteration ${iteration}, position ${i}`, id, 'an integer token id');
    if (id !== before[i] && !allowed.has(i)) {
      throw new InvalidArgumentError(`resampler result at iteration ${iteration}`, `position ${i} changed from ${before[i]} to ${String(id)}`, 'changes only at the remasked positions');
    }
  }
  return after as number[];
}

/**
 * Simulated annealing for unconditional generation (ARCHITECTURE.md §1.8): starting from x⁰, for
 * k = 1…K remask a uniformly chosen share (default 30%) of the positions and resample them
 * at temperature T_k, where T follows `schedule` (linear 1 → 0 by default, T = 0 greedy).
 * Each iteration is one resampler call, i.e. with MARIA its own MLM pass on the re-masked
 * sequence. Seeded through `rng` (positions and the resampler's draws share it), cancellable
 * through `signal` between iterations and inside the resampler, and reporting every
 * iteration to `onIteration`. A resampler that changes a position it was not asked to, or
 * returns the wrong length, is refused with a typed error.
 */
export async function anneal(options: AnnealOptions): Promise<number[]> {
  const { iterations, rng, signal } = options;
  if (!Number.isInteger(iterations) || iterations < 0) throw new InvalidArgumentError('iterations', iterations, 'an integer >= 0');
  const remaskFraction = options.remaskFraction ?? 0.3;
  if (!(remaskFraction >= 0 && remaskFraction <= 1)) throw new InvalidArgumentError('remask fraction', remaskFraction, 'a number in [0, 1]');
  const schedule = options.schedule ?? linearSchedule();
  const now = options.now ?? (() => performance.now());
  const start = options.startedAt ?? now();
  let tokens = [...options.initial];
  options.onIteration?.({ iteration: 0, temperature: options.initialTemperature ?? 1, tokens: [...tokens], positions: [], elapsedMs: now() - start });
  for (let k = 1; k <= iterations; k++) {
    if (signal?.aborted) throw new AbortedError('annealing');
    const temperature = schedule(k, iterations);
    if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new InvalidArgumentError(`schedule temperature at k=${k}`, temperature, 'a finite number >= 0');
    const positions = pickRemaskPositions(tokens.length, remaskFraction, rng, options.frozen);
    if (positions.length > 0) {
      const next = await options.resampler({ ids: tokens, positions, temperature, rng, ...(signal ? { signal } : {}) });
      tokens = [...checkResampled(tokens, next, positions, k)];
    }
    options.onIteration?.({ iteration: k, temperature, tokens: [...tokens], positions, elapsedMs: now() - start });
  }
  return tokens;
}
