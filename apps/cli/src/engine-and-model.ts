import { type EngineInfo, type EngineOptions, initEngine } from '@maria-ts/core';
import { buildMariaModel, type LoadMariaModelOptions, type MariaModel } from '@maria-ts/fusion-head';
import { readMariaOrTiny } from '@maria-ts/model-tiny';

/** The engine flags a model command passes on (`--engine`, `--threads`). */
export interface EngineFlags {
  readonly engine?: string;
  readonly threads?: number;
}

/**
 * Starts the engine and reads the model's files at the same time (neither needs the other:
 * the engine's start is wasm compilation and, with threads, worker start-up; the read is
 * file IO and parsing), then builds the model on the started engine. With 2 wasm threads the
 * start takes ~100 ms, which the read hides. `model` undefined means the embedded tiny MARIA.
 * If either fails, its typed error is thrown once both have settled (the engine's first).
 */
export async function startEngineAndLoadModel(flags: EngineFlags, model: string | undefined, options: LoadMariaModelOptions = {}): Promise<{ engine: EngineInfo; model: MariaModel }> {
  const engineOptions: EngineOptions = { ...(flags.engine !== undefined ? { engine: flags.engine } : {}), ...(flags.threads !== undefined ? { threads: flags.threads } : {}) };
  const [engine, files] = await Promise.allSettled([initEngine(engineOptions), readMariaOrTiny(model, options)]);
  if (engine.status === 'rejected') throw engine.reason;
  if (files.status === 'rejected') throw files.reason;
  return { engine: engine.value, model: await buildMariaModel(files.value, options) };
}
