import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let temporaryCounter = 0;

/**
 * Writes a file atomically: the content goes to a temporary file in the same directory
 * (same filesystem, so the final rename is atomic), is flushed with fsync, and only then
 * renamed over `path`. Readers therefore see the old file or the complete new one, never a
 * half-written checkpoint, even if the process dies mid-write. `write` receives the open
 * handle of the temporary file; if it throws, the temporary file is removed.
 */
export async function writeFileAtomic(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  temporaryCounter += 1;
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${temporaryCounter}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/** Writes all of `bytes` through `handle` at its current position. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** Writes a UTF-8 text file atomically. */
export function writeTextFileAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, (handle) => writeAll(handle, new TextEncoder().encode(text)));
}

/**
 * Makes the rename durable by syncing the directory entry. Some platforms (Windows) cannot
 * open a directory for sync; there the rename is still atomic, just not yet durable.
 */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Best effort only, see above.
  } finally {
    await handle?.close();
  }
}
