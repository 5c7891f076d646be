import { SingleBar } from 'cli-progress';

/** Progress over fractional units of work, reported by a long benchmark. */
export interface WorkProgress {
  /** Starts (or restarts) the bar at 0 of `total` units. */
  start(total: number): void;
  /** Adds `units` of finished work (may be fractional). */
  advance(units: number): void;
  /** Changes the label after the bar (e.g. the cell just scored). */
  stage(label: string): void;
  /** Removes the bar; safe to call twice. */
  stop(): void;
}

/**
 * The benchmarks' progress bar: percentage, the current stage and an ETA, on stderr so
 * stdout stays clean for `--json`. cli-progress draws nothing when stderr is not a
 * terminal; `enabled: false` (`--no-progress`) turns it off entirely.
 */
export function workProgress(label: string, enabled: boolean): WorkProgress {
  if (!enabled) return { start: () => undefined, advance: () => undefined, stage: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {stage} | ETA {eta_formatted}`,
    barsize: 24,
    hideCursor: true,
    etaBuffer: 50,
  });
  let total = 0;
  let done = 0;
  let current = '';
  let running = false;
  return {
    start(units) {
      total = units;
      done = 0;
      bar.start(total, 0, { stage: current });
      running = true;
    },
    advance(units) {
      done = Math.min(total, done + units);
      if (running) bar.update(done, { stage: current });
    },
    stage(text) {
      current = text;
      if (running) bar.update(done, { stage: current });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
