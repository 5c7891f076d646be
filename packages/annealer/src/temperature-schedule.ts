import { InvalidArgumentError, Registry } from '@maria-ts/core';

/**
 * Temperature at iteration `k` of `total` (k = 1…total). The paper anneals linearly from 1
 * to 0; T = 0 means greedy decoding.
 */
export type TemperatureSchedule = (k: number, total: number) => number;

/** Linear from `start` at k = 1 to `end` at k = total (the paper's schedule with 1 → 0). */
export function linearSchedule(start = 1, end = 0): TemperatureSchedule {
  return (k, total) => (total <= 1 ? end : start + ((end - start) * (k - 1)) / (total - 1));
}

/** Half-cosine from `start` to `end`: explores longer, then settles quickly. */
export function cosineSchedule(start = 1, end = 0): TemperatureSchedule {
  return (k, total) => (total <= 1 ? end : end + ((start - end) * (1 + Math.cos((Math.PI * (k - 1)) / (total - 1)))) / 2);
}

/** The same temperature at every iteration (e.g. 0 for pure greedy refinement). */
export function constantSchedule(temperature: number): TemperatureSchedule {
  if (!(temperature >= 0)) throw new InvalidArgumentError('temperature', temperature, 'a number >= 0');
  return () => temperature;
}

/** Schedules by name, for CLI flags and HTTP requests (`--schedule cosine`). */
export const temperatureSchedules = new Registry<() => TemperatureSchedule>('temperature schedule');
temperatureSchedules.register('linear', () => linearSchedule(), 2);
temperatureSchedules.register('cosine', () => cosineSchedule(), 1);
temperatureSchedules.register('greedy', () => constantSchedule(0), 0);
