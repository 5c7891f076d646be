import type { FileHandle } from 'node:fs/promises';
import { CheckpointError } from '@maria-ts/core';

/** One `read` call is capped below 2 GiB by Node; larger spans are read in pieces. */
const MAX_READ_BYTES = 1 << 30;

/**
 * Reads `length` bytes at `position` into `target` (a fresh buffer when omitted). A short
 * read means the file shrank under us, which is reported as a `CheckpointError` rather
 * than returning a buffer with a silent zero tail.
 */
export async function readExactly(
  file: string,
  handle: FileHandle,
  position: number,
  length: number,
  target: Uint8Array = new Uint8Array(length),
): Promise<Uint8Array> {
  let done = 0;
  while (done < length) {
    const chunk = Math.min(MAX_READ_BYTES, length - done);
    const { bytesRead } = await handle.read(target, done, chunk, position + done);
    if (bytesRead === 0) {
      throw new CheckpointError(file, `unexpected end of file reading ${length} bytes at offset ${position} (got ${done})`);
    }
    done += bytesRead;
  }
  return target;
}
