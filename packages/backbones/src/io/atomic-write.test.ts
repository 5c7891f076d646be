import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '@maria-ts/core';
import { writeAll, writeTextFileAtomic } from './atomic-write.js';
import { useTempDir } from './io.test-support.js';

describe('writeFileAtomic', () => {
  const temp = useTempDir();

  it('creates missing directories and writes the content', async () => {
    const path = join(temp.path, 'a', 'b', 'file.txt');
    await writeTextFileAtomic(path, 'hello');
    expect(await readFile(path, 'utf8')).toBe('hello');
  });

  it('keeps the old file intact and removes the temporary file when writing fails midway', async () => {
    const path = join(temp.path, 'keep.txt');
    await writeFile(path, 'old content');
    const failure = writeFileAtomic(path, async (handle) => {
      await writeAll(handle, new TextEncoder().encode('half of the new'));
      throw new Error('disk full (simulated)');
    });
    await expect(failure).rejects.toThrow('disk full (simulated)');
    expect(await readFile(path, 'utf8')).toBe('old content');
    expect(await readdir(temp.path)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});
