import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest folder at or above `start` that holds `pnpm-workspace.yaml`, if any. */
function workspaceRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A path inside the shared data folder the tests read (fixtures, tokenizers, corpora;
 * DESIGN.md §5): `MARIA_SHARED_DATA` when set, else `../shared/data` beside the workspace
 * root found above the current directory, so a clone anywhere with `shared/` next to it works.
 * The data is read in place and never copied into the repository.
 */
export function sharedDataPath(...parts: string[]): string {
  const fromEnvironment = process.env.MARIA_SHARED_DATA;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return join(fromEnvironment, ...parts);
  const root = workspaceRoot(process.cwd());
  if (root === undefined) throw new Error(`no pnpm-workspace.yaml above ${process.cwd()}: set MARIA_SHARED_DATA to the shared data folder`);
  return join(root, '..', 'shared', 'data', ...parts);
}
