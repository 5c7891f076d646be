import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** What to write: the whole content, or a function that streams it through the open temporary file. */
export type AtomicContent = string | Uint8Array | ((handle: FileHandle) => Promise<void>);

/**
 * Writes `file` so that readers see either the old file or the complete new one, never a
 * torn write, even if the process dies mid-write: the bytes go to a temporary file in the
 * same directory (same file system, so the rename is atomic), are fsynced, and the file is
 * renamed over the target; then the directory entry is synced so the rename is durable.
 * Parent directories are created. On failure the temporary file is removed and the target
 * is untouched. Large files (checkpoints) pass a function that streams into the handle.
 */
export async function writeFileAtomic(file: string, content: AtomicContent): Promise<void> {
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    try {
      if (typeof content === 'function') await content(handle);
      else await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/**
 * Makes a rename durable by syncing the directory entry. Some platforms (Windows) cannot
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

/**
 * `writeFileAtomic` for callers that cannot await, e.g. a long synchronous scoring loop that
 * saves each result as it comes so a killed run loses at most the cell in progress. Same
 * guarantees: temporary file, fsync, rename, directory sync.
 */
export function writeFileAtomicSync(file: string, content: string | Uint8Array): void {
  const directory = path.dirname(file);
  mkdirSync(directory, { recursive: true });
  const temporary = path.join(directory, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const descriptor = openSync(temporary, 'wx');
    try {
      writeFileSync(descriptor, content);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectorySync(directory);
}

/** `syncDirectory` for synchronous callers; best effort, for the same reason. */
function syncDirectorySync(directory: string): void {
  try {
    const descriptor = openSync(directory, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // Best effort only, see `syncDirectory`.
  }
}
