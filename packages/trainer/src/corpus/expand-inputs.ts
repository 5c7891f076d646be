import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@maria-ts/core';
import { glob } from 'tinyglobby';

const byCodePoint = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

/**
 * Turns `--input` arguments into a list of files, in a reproducible order (which matters: the
 * train/validation split hashes each document's global index). A file is taken as it is; a
 * folder contributes its files (not recursively) in name order; anything else is a glob, whose
 * matches are sorted. The first occurrence of a file wins; a pattern that matches nothing is an
 * error rather than a silently smaller corpus.
 */
export async function expandInputs(patterns: readonly string[]): Promise<string[]> {
  if (patterns.length === 0) throw new InvalidArgumentError('--input', patterns, 'at least one file, folder or glob');
  const files: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const info = await stat(pattern).catch(() => undefined);
    let matches: string[];
    if (info?.isFile()) {
      matches = [pattern];
    } else if (info?.isDirectory()) {
      const entries = await readdir(pattern, { withFileTypes: true });
      matches = entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => join(pattern, entry.name)).sort(byCodePoint);
    } else {
      matches = (await glob(pattern, { onlyFiles: true, expandDirectories: false })).sort(byCodePoint);
    }
    if (matches.length === 0) throw new InvalidArgumentError('--input', pattern, 'a file, a folder with files, or a glob that matches files');
    for (const match of matches) {
      const key = resolve(match);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(match);
    }
  }
  return files;
}
