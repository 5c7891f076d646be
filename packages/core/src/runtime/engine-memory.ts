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
