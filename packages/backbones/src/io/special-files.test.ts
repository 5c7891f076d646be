import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { cp, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone } from '../load-backbone.js';
import { fixtureDir } from '../testing/golden-fixtures.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { useTempDir } from './io.test-support.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

/** Every named pipe a case made, so a reader stuck in `open` (before the fix) can be released. */
const pipes: string[] = [];

function makePipe(file: string): void {
  execFileSync('mkfifo', [file]);
  pipes.push(file);
}

afterAll(async () => {
  // Opening the write end without blocking releases a reader blocked in open(); ENXIO means none.
  for (const pipe of pipes) await open(pipe, constants.O_WRONLY | constants.O_NONBLOCK).then((handle) => handle.close(), () => undefined);
});

interface SpecialCase {
  readonly name: string;
  readonly fixture: string;
  /** The file (relative to the copy) replaced by a named pipe or a directory. */
  readonly file: string;
  readonly kind: 'pipe' | 'directory';
  readonly load: (dir: string) => Promise<unknown>;
}

const loadAndDispose = async (dir: string) => (await loadBackbone(dir)).dispose();

const CASES: readonly SpecialCase[] = [
  { name: 'config.json is a named pipe', fixture: 'tiny-llama', file: 'config.json', kind: 'pipe', load: loadAndDispose },
  { name: 'model.safetensors is a named pipe', fixture: 'tiny-llama', file: 'model.safetensors', kind: 'pipe', load: loadAndDispose },
  { name: 'model.safetensors is a directory', fixture: 'tiny-llama', file: 'model.safetensors', kind: 'directory', load: loadAndDispose },
  { name: 'the shard index is a named pipe', fixture: 'tiny-llama-sharded', file: 'model.safetensors.index.json', kind: 'pipe', load: loadAndDispose },
  { name: 'a shard is a named pipe', fixture: 'tiny-llama-sharded', file: 'model-00002-of-00002.safetensors', kind: 'pipe', load: loadAndDispose },
  { name: 'tokenizer.json is a named pipe', fixture: 'lm-buddy-fake_gpt2', file: 'tokenizer.json', kind: 'pipe', load: loadAndDispose },
  { name: 'tokenizer_config.json is a named pipe', fixture: 'lm-buddy-fake_gpt2', file: 'tokenizer_config.json', kind: 'pipe', load: (dir) => loadTokenizer(dir) },
  { name: 'the tokenizer file given directly is a named pipe', fixture: 'lm-buddy-fake_gpt2', file: 'tokenizer.json', kind: 'pipe', load: (dir) => loadTokenizer(join(dir, 'tokenizer.json')) },
];

describe('files that are not regular files are refused before they are opened', () => {
  const temp = useTempDir('maria-special-files-');

  it.each(CASES)('$name → CheckpointError naming it', { timeout: 15_000 }, async ({ name, fixture, file, kind, load }) => {
    const dir = join(temp.path, name.replaceAll(' ', '-'));
    await cp(fixtureDir(fixture), dir, { recursive: true });
    const target = join(dir, file);
    await rm(target);
    if (kind === 'pipe') makePipe(target);
    else await mkdir(target);
    const failure = await Promise.race([
      load(dir).then(
        () => new Error('loaded'),
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve(new Error('still waiting after 5 s')), 5_000).unref()),
    ]);
    expect(CheckpointError.isInstance(failure), `expected a CheckpointError, got ${String(failure)}`).toBe(true);
    const text = (failure as Error).message;
    expect(text).toContain(target);
    expect(text).toMatch(kind === 'pipe' ? /is a named pipe, not a regular file/ : /is a directory, not a regular file/);
    expect(text).not.toContain('\n');
  });

  it('merges.txt as a named pipe (vocab.json + merges.txt tokenizer)', { timeout: 15_000 }, async () => {
    const dir = join(temp.path, 'merges-pipe');
    await mkdir(dir);
    await cp(join(fixtureDir('lm-buddy-fake_gpt2'), 'vocab.json'), join(dir, 'vocab.json'));
    makePipe(join(dir, 'merges.txt'));
    await expect(loadTokenizer(dir)).rejects.toThrowError(/merges\.txt: merges file is a named pipe, not a regular file/);
  });
});
