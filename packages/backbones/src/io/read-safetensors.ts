import { endianness } from 'node:os';
import { CheckpointError } from '@maria-ts/core';
import { decodeBfloat16, decodeHalf } from './float-conversion.js';
import { elementCount, type HostTensor } from './host-tensor.js';
import { openForReading, readHeaderFromHandle, type SafetensorsEntry } from './safetensors-header.js';
import { readExactly } from './read-exactly.js';

/** Chooses which tensors to load: a list of names (all must exist) or a predicate. */
export type TensorNameFilter = readonly string[] | ((name: string) => boolean);

export interface ReadSafetensorsOptions {
  /** Load only these tensors. A listed name that the file lacks is a `CheckpointError`. */
  readonly names?: TensorNameFilter;
}

/**
 * Reads a safetensors file into host tensors, widened to float32. The header is validated
 * first (see `readSafetensorsHeader`); then each tensor is read at its offset straight into
 * its final buffer (float32) or a 16-bit staging buffer (F16/BF16), so a checkpoint is never
 * held in memory twice. The map keeps the file's data order.
 */
export async function readSafetensors(file: string, options: ReadSafetensorsOptions = {}): Promise<Map<string, HostTensor>> {
  assertLittleEndianHost(file);
  const handle = await openForReading(file);
  try {
    const header = await readHeaderFromHandle(file, handle);
    const selected = selectEntries(file, header.entries, options.names);
    const tensors = new Map<string, HostTensor>();
    for (const entry of selected) tensors.set(entry.name, await readEntry(file, handle, entry));
    return tensors;
  } finally {
    await handle.close();
  }
}

function selectEntries(file: string, entries: readonly SafetensorsEntry[], names: TensorNameFilter | undefined): readonly SafetensorsEntry[] {
  if (names === undefined) return entries;
  if (typeof names === 'function') return entries.filter((entry) => names(entry.name));
  const wanted = new Set(names);
  const present = new Set(entries.map((entry) => entry.name));
  const missing = [...wanted].filter((name) => !present.has(name));
  if (missing.length > 0) throw new CheckpointError(file, `requested tensors not in file: ${missing.join(', ')}`);
  return entries.filter((entry) => wanted.has(entry.name));
}

async function readEntry(file: string, handle: Parameters<typeof readExactly>[1], entry: SafetensorsEntry): Promise<HostTensor> {
  const count = elementCount(entry.shape);
  const data = new Float32Array(count);
  const byteLength = entry.end - entry.begin;
  if (entry.dtype === 'F32') {
    await readExactly(file, handle, entry.begin, byteLength, new Uint8Array(data.buffer));
  } else {
    const staging = new Uint16Array(count);
    await readExactly(file, handle, entry.begin, byteLength, new Uint8Array(staging.buffer));
    if (entry.dtype === 'F16') decodeHalf(staging, data);
    else decodeBfloat16(staging, data);
  }
  return { shape: entry.shape, data, storedDtype: entry.dtype };
}

/** Safetensors is little-endian; viewing bytes as typed arrays assumes the host is too. */
function assertLittleEndianHost(file: string): void {
  if (endianness() !== 'LE') throw new CheckpointError(file, 'reading safetensors requires a little-endian host');
}
