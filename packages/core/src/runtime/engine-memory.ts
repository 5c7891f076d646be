import { defineError } from '../errors.js';
import type { EngineInfo } from './engine.js';

/**
 * The most memory the wasm engine can address: tfjs's wasm binaries are 32-bit (wasm32),
 * so every tensor of a process shares one linear memory of at most 4 GiB.
 */
export const WASM_MEMORY_CEILING_BYTES = 4 * 1024 ** 3;

/** Bytes in the largest binary unit that keeps the number at 1 or more (GiB, MiB, KiB, B). */
function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${(bytes / size).toFixed(2)} ${unit}`;
  }
  return `${bytes} B`;
}

/** A model's weights cannot fit in the engine that was started; says what they need and which engine holds them. */
export const EngineMemoryError = defineError('EngineMemory', (what: string, neededBytes: number, engine: string, ceilingBytes: number) => ({
  message: `${what} needs ${formatBytes(neededBytes)} as float32 tensors, more than the ${engine} engine can hold (${formatBytes(ceilingBytes)}); run it with --engine tensorflow (pnpm setup:tensorflow installs it)`,
  details: { what, neededBytes, engine, ceilingBytes },
}));

/** The memory ceiling of a started engine in bytes, or `undefined` where only the machine limits it (native TensorFlow). */
export function engineMemoryCeiling(engine: Pick<EngineInfo, 'backend'>): number | undefined {
  return engine.backend === 'wasm' ? WASM_MEMORY_CEILING_BYTES : undefined;
}

export interface EngineMemoryCheckOptions {
  /** Overrides the engine's ceiling (tests use a small one on a small model). */
  readonly ceilingBytes?: number;
}

/**
 * Refuses, before any weight is read or allocated, a model whose float32 tensors exceed
 * what the started engine can address, so that the user gets one line naming the memory
 * needed and the engine that can hold it instead of an out-of-memory abort halfway through
 * loading. `neededBytes` counts the weights only; activations come on top.
 */
export function assertEngineCanHold(what: string, neededBytes: number, engine: Pick<EngineInfo, 'backend' | 'name'>, options: EngineMemoryCheckOptions = {}): void {
  const ceiling = options.ceilingBytes ?? engineMemoryCeiling(engine);
  if (ceiling !== undefined && neededBytes > ceiling) throw new EngineMemoryError(what, neededBytes, engine.name, ceiling);
}

/**
 * The wasm engine stopped itself (an Emscripten `abort()`): in practice its 4 GiB linear
 * memory running out in the middle of a computation, which no size check before the run can
 * rule out (activations and optimizer state come on top of the weights). The module cannot
 * run anything afterwards, so the process should end after reporting it.
 */
export const EngineAbortedError = defineError('EngineAborted', (engine: string, cause: string) => ({
  message: `the ${engine} engine aborted (${cause}), most likely out of its ${formatBytes(WASM_MEMORY_CEILING_BYTES)} of memory; run it with --engine tensorflow (pnpm setup:tensorflow installs it), or with a smaller batch or model`,
  details: { engine, cause },
}));

/** An Emscripten abort's message, e.g. "Aborted(). Build with -sASSERTIONS for more info." or "Aborted(OOM)". */
const WASM_ABORT = /^(?:RuntimeError: )?Aborted\(([^)]*)\)/u;

/**
 * `error` as an `EngineAbortedError` when it is the wasm engine's abort (recognised by its
 * message, the only mark Emscripten leaves), else `error` itself.
 */
export function explainEngineAbort(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const match = WASM_ABORT.exec(error.message);
  if (!match) return error;
  return new EngineAbortedError('wasm', `Aborted(${match[1] ?? ''})`);
}
