import { THREADS_ENV_VAR } from '../runtime/wasm-threads.js';

/**
 * The wasm thread count a numerical test suite should start its engine with: one, unless the
 * `MARIA_THREADS` environment variable says otherwise. The root vitest config runs the golden
 * and invariant suites once more with `MARIA_THREADS=2` (the `*-threads-2` projects), so the
 * same assertions hold at one and at two threads.
 */
export function testThreads(env: Readonly<Record<string, string | undefined>> = process.env): string | number {
  return env[THREADS_ENV_VAR] ?? 1;
}
