/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface TimingOptions {
  readonly warmup: number;
  readonly repeats: number;
  /** Injected clock (milliseconds), for tests. */
  readonly now?: () => number;
}

/**
 * Runs `fn` `warmup` times untimed, then `repeats` times, and returns the median wall time
 * in seconds. `fn` must block until its work is done (e.g. read back a result).
 */
export async function medianSeconds(fn: () => void | Promise<void>, options: TimingOptions): Promise<number> {
  const now = options.now ?? (() => performance.now());
  for (let i = 0; i < options.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < options.repeats; i++) {
    const start = now();
    await fn();
    samples.push((now() - start) / 1000);
  }
  return median(samples);
}
