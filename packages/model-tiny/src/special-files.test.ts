import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMariaOrTiny, TINY_MARIA_DIR } from './tiny-maria.js';

let root: string;
const pipes: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'maria-tiny-special-'));
});
afterAll(async () => {
  // Opening the write end without blocking releases a reader blocked in open(); ENXIO means none.
  for (const pipe of pipes) await open(pipe, constants.O_WRONLY | constants.O_NONBLOCK).then((handle) => handle.close(), () => undefined);
  await rm(root, { recursive: true, force: true });
});

/** The embedded MARIA directory rebuilt in `dir` (small files copied, weights linked) with `file` a named pipe. */
async function tinyWithPipe(dir: string, file: string): Promise<string> {
  for (const entry of await readdir(TINY_MARIA_DIR, { recursive: true, withFileTypes: true })) {
    const relative = path.relative(TINY_MARIA_DIR, path.join(entry.parentPath, entry.name));
    const target = path.join(dir, relative);
    if (entry.isDirectory()) await mkdir(target, { recursive: true });
    else if (relative === file) continue;
    else if (entry.name.endsWith('.safetensors')) await symlink(path.join(TINY_MARIA_DIR, relative), target);
    else await copyFile(path.join(TINY_MARIA_DIR, relative), target);
  }
  const pipe = path.join(dir, file);
  await mkdir(path.dirname(pipe), { recursive: true });
  execFileSync('mkfifo', [pipe]);
  pipes.push(pipe);
  return pipe;
}

describe('model-tiny loading refuses files that are not regular files', () => {
  it.each(['maria.json', 'tokenizer.json', 'ar/config.json', 'mlm/model.safetensors'])('%s as a named pipe (CheckpointError naming it)', { timeout: 15_000 }, async (file) => {
    const dir = path.join(root, file.replaceAll('/', '-'));
    const pipe = await tinyWithPipe(dir, file);
    const failure = await Promise.race([
      readMariaOrTiny(dir).then(
        () => new Error('read'),
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve(new Error('still waiting after 5 s')), 5_000).unref()),
    ]);
    expect(CheckpointError.isInstance(failure), `expected a CheckpointError, got ${String(failure)}`).toBe(true);
    expect((failure as Error).message).toContain(pipe);
    expect((failure as Error).message).toContain('is a named pipe, not a regular file');
  });
});
