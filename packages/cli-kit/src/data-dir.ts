import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@maria-ts/core';
import { workspaceRoot } from '@maria-ts/core';

/**
 * The data folder flag of the benchmark and training commands, as a `[flags, description]`
 * pair for commander's `.option(...)`. Corpora and evaluation sets are not part of the
 * repository: commands whose defaults name such files look for them under this folder.
 */
export const DATA_DIR_OPTION = [
  '--data-dir <dir>',
  'folder of corpora and evaluation sets that default paths are read from (default: $MARIA_DATA_DIR, else ../shared/data beside the repository)',
] as const;

/** The environment variable that names the data folder when `--data-dir` is not given. */
export const DATA_DIR_VARIABLE = 'MARIA_DATA_DIR';

/**
 * The data folder: `--data-dir` when given, else `$MARIA_DATA_DIR`, else `../shared/data`
 * beside the workspace that holds the working directory, else `./data`. The folder may not
 * exist; `requireDataPath` says so, naming the flags that point elsewhere.
 */
export function resolveDataDir(flag?: string, environment: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (flag !== undefined && flag !== '') return resolve(cwd, flag);
  const fromEnvironment = environment[DATA_DIR_VARIABLE];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return resolve(cwd, fromEnvironment);
  const root = workspaceRoot(cwd);
  return root === undefined ? resolve(cwd, 'data') : resolve(root, '..', 'shared', 'data');
}

/** Where a default input lives: `relative` inside the data folder. */
export interface DataDefault {
  /** Path inside the data folder, e.g. `eval/wikitext2_raw_test.txt`. */
  readonly relative: string;
  /** What the file is, for the error message, e.g. `WikiText-2 raw test text`. */
  readonly what: string;
  /** `file` (default), `directory`, or `any` for either. */
  readonly kind?: 'file' | 'directory' | 'any';
}

/**
 * The path a command reads for `flagName`: the user's value when given (it must exist),
 * else `defaults.relative` inside the data folder. Anything missing is an
 * `InvalidArgumentError` (exit 2) on one line that names the path and how to point
 * elsewhere, so no command dies with a raw ENOENT.
 */
export function requireDataPath(flagName: string, value: string | undefined, defaults: DataDefault, dataDirFlag?: string): string {
  const kind = defaults.kind ?? 'file';
  const given = value !== undefined && value !== '';
  const path = given ? resolve(value) : join(resolveDataDir(dataDirFlag), defaults.relative);
  let found = false;
  try {
    const stats = statSync(path);
    found = kind === 'file' ? stats.isFile() : kind === 'directory' ? stats.isDirectory() : stats.isFile() || stats.isDirectory();
  } catch {
    found = false;
  }
  if (found) return path;
  const hint = given
    ? `an existing ${kind === 'any' ? 'file or folder' : kind}: ${defaults.what}`
    : `${defaults.what} at ${defaults.relative} in the data folder; pass ${flagName}, or point --data-dir or $${DATA_DIR_VARIABLE} at a folder holding ${defaults.relative}`;
  throw new InvalidArgumentError(flagName, path, hint);
}
