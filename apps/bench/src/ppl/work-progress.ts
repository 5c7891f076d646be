import type { BenchProgress } from '@maria-ts/benchmarks';
import { SingleBar } from 'cli-progress';

/** A benchmark's progress, drawn as a bar that must be removed when the benchmark ends. */
export interface WorkProgress extends BenchProgress {
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
