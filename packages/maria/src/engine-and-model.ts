import { WASM_MEMORY_CEILING_BYTES, assertEngineCanHold, type EngineInfo, type EngineMemoryCheckOptions, type EngineOptions, initEngine } from '@maria-ts/core';
import { buildMariaModel, mariaDirectoryFootprint, type LoadMariaModelOptions, type MariaModel } from '@maria-ts/fusion-head';
import { TINY_MARIA_DIR, readMariaOrTiny } from '@maria-ts/model-tiny';

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
 * First, from the safetensors headers alone, the model's float32 size: a model larger than
 * wasm's 4 GiB is read only once the started engine is known to hold it, and refused with one
 * line (`EngineMemoryError`) otherwise, before any weight is read. If the engine or the read
 * fails, its typed error is thrown once both have settled (the engine's first).
 */
export async function startEngineAndLoadModel(
  flags: EngineFlags,
  model: string | undefined,
  options: LoadMariaModelOptions & EngineMemoryCheckOptions = {},
): Promise<{ engine: EngineInfo; model: MariaModel }> {
  const engineOptions: EngineOptions = { ...(flags.engine !== undefined ? { engine: flags.engine } : {}), ...(flags.threads !== undefined ? { threads: flags.threads } : {}) };
  const dir = model ?? TINY_MARIA_DIR;
  const starting = initEngine(engineOptions);
  const footprint = await mariaDirectoryFootprint(dir, options).catch((error: unknown) => error as Error);
  // A model that fits every engine is read while the engine starts; a larger one waits for the check.
  const fitsEveryEngine = !(footprint instanceof Error) && footprint.totalBytes <= (options.ceilingBytes ?? WASM_MEMORY_CEILING_BYTES);
  const reading = fitsEveryEngine ? readMariaOrTiny(model, options) : undefined;
  const [engine, files] = await Promise.allSettled([starting, reading ?? Promise.resolve(undefined)]);
  if (engine.status === 'rejected') throw engine.reason;
  if (footprint instanceof Error) {
    // The reader's own typed errors (a missing embedded model, not a MARIA directory) come first.
    await readMariaOrTiny(model, options);
    throw footprint;
  }
  assertEngineCanHold(`the MARIA model in ${dir}`, footprint.totalBytes, engine.value, options);
  if (files.status === 'rejected') throw files.reason;
  return { engine: engine.value, model: await buildMariaModel(files.value ?? (await readMariaOrTiny(model, options)), options) };
}
