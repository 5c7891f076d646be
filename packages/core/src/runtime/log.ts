import { escapeControlCharacters } from './terminal-text.js';

/**
 * Diagnostics go to stderr with a `maria:` prefix, never stdout, so `--json` output stays
 * machine-readable. `MARIA_LOG=silent` turns them off; tests install their own sink. The
 * default sink escapes control characters: warnings quote files and paths.
 */
export type LogSink = (line: string) => void;

const defaultSink: LogSink = (line) => {
  if (process.env.MARIA_LOG === 'silent') return;
  process.stderr.write(`maria: ${escapeControlCharacters(line)}\n`);
};

let sink: LogSink = defaultSink;
const onceKeys = new Set<string>();

/** Replaces the log sink; returns a function restoring the previous one. */
export function setLogSink(next: LogSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

export function log(line: string): void {
  sink(line);
}

/** Logs `line` only the first time `key` is seen in this process. */
export function logOnce(key: string, line: string): void {
  if (onceKeys.has(key)) return;
  onceKeys.add(key);
  sink(line);
}

/** Forgets which `logOnce` keys were seen (tests only). */
export function resetLogOnce(): void {
  onceKeys.clear();
}
