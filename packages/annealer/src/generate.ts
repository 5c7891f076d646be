import { InvalidArgumentError, Rng, type ARBackbone, type Tokenizer } from '@maria-ts/core';
import { anneal, type AnnealIteration } from './anneal.js';
import type { Resampler } from './resampler.js';
import { sampleAutoregressive } from './sample-autoregressive.js';
import { temperatureSchedules, type TemperatureSchedule } from './temperature-schedule.js';

/** The parts of a model that unconditional generation reads (a `MariaModel` has them). */
export interface GenerationModel {
  readonly ar: ARBackbone;
  readonly tokenizer: Tokenizer;
}

/** One iteration as the CLI and the server show it: the annealer's event plus the decoded text. */
export interface GenerateIteration extends AnnealIteration {
  readonly text: string;
}

export interface GenerateOptions {
  /** L, the number of tokens generated. */
  readonly length: number;
  /** K, the number of annealing iterations (0 returns the AR sample x⁰). */
  readonly iterations: number;
  /** Share of positions remasked per iteration, default 0.3. */
  readonly remaskFraction?: number;
  /** A schedule, or its name in `temperatureSchedules` (default `'linear'`, 1 → 0). */
  readonly schedule?: TemperatureSchedule | string;
  /** Seed of the run's one `Rng` stream (x⁰, positions and every resampling draw), default 0. */
  readonly seed?: number;
  /** Redraws the remasked positions; MARIA's is `mariaResampler(model)`. */
  readonly resampler: Resampler;
  readonly signal?: AbortSignal;
  readonly onIteration?: (event: GenerateIteration) => void;
  readonly now?: () => number;
}

export interface GenerateResult {
  readonly tokens: number[];
  readonly text: string;
  /** Temperatures T_1…T_K actually used. */
  readonly temperatures: number[];
  /** Wall-clock milliseconds, x⁰ sampling included. */
  readonly elapsedMs: number;
}

/** Resolves a schedule name through the registry (an unknown name lists the known ones). */
export function resolveSchedule(schedule: TemperatureSchedule | string | undefined): TemperatureSchedule {
  if (typeof schedule === 'function') return schedule;
  return temperatureSchedules.get(schedule ?? 'linear')();
}

/**
 * Unconditional generation by simulated annealing, end to end: x⁰ is `length` tokens sampled
 * from the AR model at T = 1 (KV-cached, BOS first, never `[MASK]`/`[PAD]`), then `anneal`
 * runs K remask-and-resample iterations with `resampler`. Elapsed times count from before x⁰
 * so iteration 0 carries the AR sampling cost (Figure 5 plots quality against wall-clock).
 */
export async function generate(model: GenerationModel, options: GenerateOptions): Promise<GenerateResult> {
  const { length } = options;
  const { tokenizer } = model;
  if (!Number.isInteger(length) || length < 1) throw new InvalidArgumentError('length', length, 'an integer >= 1');
  const schedule = resolveSchedule(options.schedule);
  const now = options.now ?? (() => performance.now());
  const rng = new Rng(options.seed ?? 0);
  const startedAt = now();
  const { mask, pad } = tokenizer.specialTokens;
  const initial = await sampleAutoregressive(model.ar, {
    length,
    rng,
    vocabSize: Math.min(tokenizer.vocabSize, model.ar.info.vocabSize),
    bannedIds: [mask, pad].filter((id): id is number => id !== undefined),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const temperatures: number[] = [];
  const tokens = await anneal({
    initial,
    resampler: options.resampler,
    iterations: options.iterations,
    schedule,
    rng,
    now,
    startedAt,
    ...(options.remaskFraction !== undefined ? { remaskFraction: options.remaskFraction } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onIteration: (event) => {
      if (event.iteration > 0) temperatures.push(event.temperature);
      options.onIteration?.({ ...event, text: tokenizer.decode(event.tokens) });
    },
  });
  return { tokens, text: tokenizer.decode(tokens), temperatures, elapsedMs: now() - startedAt };
}
