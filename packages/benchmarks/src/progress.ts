/**
 * Progress over fractional units of work, reported by a long benchmark (`maria-bench` draws it
 * as a progress bar on stderr). Every method may be called any number of times.
 */
export interface BenchProgress {
  /** Starts (or restarts) at 0 of `total` units. */
  start(total: number): void;
  /** Adds `units` of finished work (may be fractional). */
  advance(units: number): void;
  /** Names the current stage (e.g. the cell just scored). */
  stage(label: string): void;
}
