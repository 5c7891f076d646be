import { SingleBar } from 'cli-progress';
import type { MetricsRecord } from '../trainer/metrics-log.js';

/**
 * The training progress bar on stderr: step, loss, tokens/s and an ETA from the measured
 * rate. cli-progress draws nothing when stderr is not a terminal; `enabled: false` (for
 * `--json` or `--no-progress`) turns it off.
 */
export function trainingProgress(label: string, enabled: boolean): { onStep: (record: MetricsRecord, total: number) => void; stop: () => void } {
  if (!enabled) return { onStep: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {value}/{total} steps | loss {loss} | {rate} tok/s | ETA {eta_formatted}`,
    barsize: 24,
    hideCursor: true,
    etaBuffer: 20,
  });
  let started = false;
  return {
    onStep(record, total) {
      const payload = { loss: (record.loss ?? Number.NaN).toFixed(3), rate: Math.round(record.tokensPerSecond ?? 0) };
      if (!started) {
        bar.start(total, record.step - 1, payload);
        started = true;
      }
      bar.update(record.step, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
