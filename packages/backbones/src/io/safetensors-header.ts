import { open, type FileHandle } from 'node:fs/promises';
import { CheckpointError } from '@maria-ts/core';
import { DTYPE_BYTE_SIZE, STORED_DTYPES, elementCount, isStoredDtype, type StoredDtype } from './host-tensor.js';
import { readExactly } from './read-exactly.js';
import { assertRegularFile } from './assert-regular-file.js';

/**
 * Upper bound on the JSON header, as in the reference implementation: a header beyond
 * 100 MB is a corrupt length field, not a real checkpoint, and must not make us allocate.
 */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** Where one tensor lies in a safetensors file, after validation. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: StoredDtype;
  readonly shape: readonly number[];
  /** Absolute byte offsets in the file (header included), `end` exclusive. */
  readonly begin: number;
  readonly end: number;
}

/** A validated safetensors header: every entry is in bounds, sized right and disjoint. */
export interface SafetensorsHeader {
  readonly file: string;
  readonly fileSize: number;
  /** Length of the JSON header in bytes (the value of the 8-byte prefix). */
  readonly headerLength: number;
  /** File offset where the data area starts (8 + headerLength). */
  readonly dataStart: number;
  /** The optional `__metadata__` string map (e.g. `{format: 'pt'}`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Entries in the order of their data offsets. */
  readonly entries: readonly SafetensorsEntry[];
}

/**
 * Reads and validates the header of a safetensors file without reading any tensor data.
 * Useful to list names, shapes and dtypes of a large checkpoint, or to plan which tensors
 * to load. Every problem is a `CheckpointError` naming the file (and the tensor).
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const handle = await openForReading(file);
  try {
    return await readHeaderFromHandle(file, handle);
  } finally {
    await handle.close();
  }
}

/**
 * Opens `file` for reading, turning a missing or unreadable file, or one that is not a
 * regular file (checked before opening, so a named pipe cannot block), into a `CheckpointError`.
 */
export async function openForReading(file: string): Promise<FileHandle> {
  await assertRegularFile(file, 'safetensors file');
  try {
    return await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new CheckpointError(file, `cannot open safetensors file (${code})`);
  }
}

/** Reads and validates the header through an already open handle. */
export async function readHeaderFromHandle(file: string, handle: FileHandle): Promise<SafetensorsHeader> {
  const { size: fileSize } = await handle.stat();
  if (fileSize < 8) throw new CheckpointError(file, `file has ${fileSize} bytes, too short for the 8-byte header length`);
  const prefix = await readExactly(file, handle, 0, 8);
  const declaredLength = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (declaredLength > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new CheckpointError(file, `header length ${declaredLength} exceeds the limit of ${MAX_SAFETENSORS_HEADER_BYTES} bytes`);
  }
  const headerLength = Number(declaredLength);
  if (8 + headerLength > fileSize) {
    throw new CheckpointError(file, `header length ${headerLength} runs past the end of the file (${fileSize} bytes)`);
  }
  const headerBytes = await readExactly(file, handle, 8, headerLength);
  return parseSafetensorsHeader(file, headerBytes, fileSize);
}

/**
 * Validates header JSON bytes against a file of `fileSize` bytes. Split from the I/O so the
 * checks can be exercised directly, and so a fuzz test can drive it with arbitrary bytes.
 */
export function parseSafetensorsHeader(file: string, headerBytes: Uint8Array, fileSize: number): SafetensorsHeader {
  const headerLength = headerBytes.length;
  const dataStart = 8 + headerLength;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new CheckpointError(file, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new CheckpointError(file, `header does not start with '{' (got ${JSON.stringify(text.slice(0, 16))})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(file, `header is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CheckpointError(file, 'header JSON is not an object');
  }
  const dataSize = fileSize - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(file, value);
      continue;
    }
    entries.push(parseEntry(file, name, value, dataStart, dataSize));
  }
  entries.sort((left, right) => left.begin - right.begin || left.end - right.end);
  for (let index = 1; index < entries.length; index++) {
    const previous = entries[index - 1]!;
    const current = entries[index]!;
    if (current.begin < previous.end) {
      throw new CheckpointError(
        file,
        `tensors '${previous.name}' [${previous.begin - dataStart}, ${previous.end - dataStart}) and '${current.name}' [${current.begin - dataStart}, ${current.end - dataStart}) overlap`,
      );
    }
  }
  return { file, fileSize, headerLength, dataStart, metadata, entries };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CheckpointError(file, '__metadata__ is not an object');
  }
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') throw new CheckpointError(file, `__metadata__ value for '${key}' is not a string`);
    metadata[key] = entry;
  }
  return metadata;
}

function parseEntry(file: string, name: string, value: unknown, dataStart: number, dataSize: number): SafetensorsEntry {
  const fail = (problem: string): never => {
    throw new CheckpointError(file, `tensor '${name}': ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isStoredDtype(dtype)) {
    return fail(`unsupported dtype ${JSON.stringify(dtype) ?? String(dtype)} (supported: ${STORED_DTYPES.join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((dimension) => Number.isSafeInteger(dimension) && dimension >= 0)) {
    return fail(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)) {
    return fail(`data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataSize) fail(`data_offsets [${begin}, ${end}] run past the data area of ${dataSize} bytes`);
  const count = elementCount(shape as number[]);
  const expectedBytes = count * DTYPE_BYTE_SIZE[dtype];
  if (!Number.isSafeInteger(expectedBytes) || end - begin !== expectedBytes) {
    fail(`holds ${end - begin} bytes but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${expectedBytes}`);
  }
  return { name, dtype, shape: [...(shape as number[])], begin: dataStart + begin, end: dataStart + end };
}
