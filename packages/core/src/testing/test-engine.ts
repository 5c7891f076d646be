import type { EngineOptions } from '../runtime/engine.js';

/**
 * The engine a numerical test starts: `MARIA_ENGINE` when the test project sets it (the
 * root vitest config reruns the golden suites with `MARIA_ENGINE=tensorflow`), else wasm,
 * the engine every machine has. One suite, written once, runs on each engine this way (the
 * tfjs convention). The thread count is left to `MARIA_THREADS`.
 */
export function testEngineOptions(env: Readonly<Record<string, string | undefined>> = process.env): EngineOptions {
  const engine = env.MARIA_ENGINE;
  return { engine: engine !== undefined && engine.length > 0 ? engine : 'wasm' };
}
