import { SingleBar } from 'cli-progress';

/** Progress of a corpus build: bytes of input read and tokens produced so far. */
export interface CorpusProgress {
  update(bytesRead: number, tokens: number): void;
  stop(): void;
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/**
 * A progress bar on stderr (so `--json` stdout stays clean) over the input bytes, showing
 * tokens produced and tokens per second. cli-progress draws nothing when stderr is not a
 * terminal, and `enabled: false` (tests, `--no-progress`) turns it off entirely.
 */
export function createProgressBar(totalBytes: number, enabled: boolean, now: () => number = () => performance.now()): CorpusProgress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const started = now();
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'corpus [{bar}] {percentage}% | {read}/{total_mb} MB | {tokens} tokens | {rate} tok/s | ETA {eta_formatted}',
    barsize: 30,
    hideCursor: true,
    etaBuffer: 50,
  });
  bar.start(totalBytes, 0, { read: megabytes(0), total_mb: megabytes(totalBytes), tokens: 0, rate: 0 });
  return {
    update(bytesRead, tokens) {
      const seconds = (now() - started) / 1000;
      bar.update(Math.min(bytesRead, totalBytes), { read: megabytes(bytesRead), tokens, rate: seconds > 0 ? Math.round(tokens / seconds) : 0 });
    },
    stop() {
      bar.stop();
    },
  };
}
