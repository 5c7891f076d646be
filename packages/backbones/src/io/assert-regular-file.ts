import { stat } from 'node:fs/promises';
import { CheckpointError } from '@maria-ts/core';

/**
 * Checks, before anything opens it, that `file` is a regular file (following symlinks). A
 * named pipe, socket or device opened for reading blocks or streams forever, and a blocked
 * `open` holds a libuv thread that keeps the process from exiting even on SIGTERM; a
 * directory fails later with a vaguer error. Each is a `CheckpointError` naming the file and
 * `what` it was read as (e.g. "safetensors file"). A path that does not exist passes: the
 * caller's open or read reports it as it always has.
 */
export async function assertRegularFile(file: string, what: string): Promise<void> {
  // A missing or unreadable path is left to the caller's own open or read, which reports it.
  const stats = await stat(file).catch(() => undefined);
  if (!stats || stats.isFile()) return;
  throw new CheckpointError(file, `${what} is ${fileKind(stats)}, not a regular file`);
}

function fileKind(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a special file';
}
