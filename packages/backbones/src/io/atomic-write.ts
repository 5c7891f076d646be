import type { FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from '@maria-ts/core';

/** Writes all of `bytes` through `handle` at its current position. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** Writes a UTF-8 text file atomically (core's `writeFileAtomic`). */
export function writeTextFileAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text);
}
