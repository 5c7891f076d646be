import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Test support for the IO tests. Builds raw safetensors bytes from a header object (any JSON, valid or not)
 * and a data area, so tests can produce each kind of malformed file on purpose.
 * Not exported from the package index.
 */
export function safetensorsBytes(header: unknown, data: Uint8Array = new Uint8Array(0), options: { declaredLength?: bigint } = {}): Uint8Array {
  const headerBytes = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, options.declaredLength ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/**
 * A temporary directory for the enclosing `describe`: created before its tests, removed
 * after them. Read `path` inside tests (it is empty before `beforeAll` runs).
 */
export function useTempDir(prefix = 'maria-io-'): { readonly path: string } {
  const state = { path: '' };
  beforeAll(async () => {
    state.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => rm(state.path, { recursive: true, force: true }));
  return state;
}

/** Writes `bytes` to `dir/name` and returns the path. */
export async function writeBytes(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Little-endian float32 bytes of `values`. */
export function float32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
