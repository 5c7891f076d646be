import { InvalidArgumentError } from '@maria-ts/core';

/** One column of the side-by-side run: an engine, and for wasm a thread count. */
export interface EngineConfiguration {
  /** `wasm-1`, `wasm-2`, `tensorflow`: the column label. */
  readonly label: string;
  readonly engine: string;
  /** wasm threads; absent for native engines (TensorFlow sizes its own pools). */
  readonly threads?: number;
}

/**
 * Parses `wasm:1,wasm:2,tensorflow` into configurations. A thread count is only meaningful
 * for wasm, so `tensorflow:2` is refused rather than silently ignored.
 */
export function parseEngineConfigurations(text: string): EngineConfiguration[] {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (items.length === 0) throw new InvalidArgumentError('--configs', text, "a list such as 'wasm:1,wasm:2,tensorflow'");
  const configurations = items.map((item) => {
    const [engine = '', threadsText, ...rest] = item.split(':');
    if (rest.length > 0 || engine.length === 0) throw new InvalidArgumentError('--configs', item, "engine or engine:threads, e.g. 'wasm:2'");
    if (threadsText === undefined) return { label: engine, engine };
    const threads = Number(threadsText);
    if (engine !== 'wasm' && engine !== 'hybrid') throw new InvalidArgumentError('--configs', item, 'a thread count only with wasm or hybrid (native engines size their own thread pools)');
    if (!Number.isSafeInteger(threads) || threads < 1) throw new InvalidArgumentError('--configs', item, 'a positive whole thread count');
    return { label: `${engine}-${threads}`, engine, threads };
  });
  const labels = configurations.map((configuration) => configuration.label);
  const repeated = labels.find((label, index) => labels.indexOf(label) !== index);
  if (repeated) throw new InvalidArgumentError('--configs', text, `each configuration once (${repeated} is repeated)`);
  return configurations;
}
