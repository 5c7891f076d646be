import { type EngineInfo, type EngineMemoryCheckOptions, type EngineOptions, initEngine } from '@maria-ts/core';
import { assertMariaDirectoryFits, buildMariaModel, type LoadMariaModelOptions, type MariaModel } from '@maria-ts/fusion-head';
import { TINY_MARIA_DIR, readMariaOrTiny } from '@maria-ts/model-tiny';

/** The engine flags a model command passes on (`--engine`, `--threads`). */
export interface EngineFlags {
  readonly engine?: string;
  readonly threads?: number;
}

/**
 * Starts the engine, checks from the safetensors headers that the model fits in it (wasm
 * holds 4 GiB: `EngineMemoryError` names the memory needed and the engine that holds it),
 * then reads the model's files and builds the model on the started engine. `model` undefined
 * means the embedded tiny MARIA.
 */
export async function startEngineAndLoadModel(
  flags: EngineFlags,
  model: string | undefined,
  options: LoadMariaModelOptions & EngineMemoryCheckOptions = {},
): Promise<{ engine: EngineInfo; model: MariaModel }> {
  const engineOptions: EngineOptions = { ...(flags.engine !== undefined ? { engine: flags.engine } : {}), ...(flags.threads !== undefined ? { threads: flags.threads } : {}) };
  // A model larger than the engine can address is refused from its safetensors headers before
  // any weight is read, rather than crashing out of memory halfway through the load.
  const engine = await initEngine(engineOptions);
  await assertMariaDirectoryFits(model ?? TINY_MARIA_DIR, engine, options);
  return { engine, model: await buildMariaModel(await readMariaOrTiny(model, options), options) };
}
