import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@maria-ts/core';
import { requireDataPath, resolveDataDir } from './data-dir.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'maria-data-dir-'));
  await mkdir(path.join(root, 'data', 'eval'), { recursive: true });
  await writeFile(path.join(root, 'data', 'eval', 'text.txt'), 'hello\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resolveDataDir', () => {
  it('takes the flag, then $MARIA_DATA_DIR, then ../shared/data beside the workspace', () => {
    expect(resolveDataDir('/a', { MARIA_DATA_DIR: '/b' }, '/x')).toBe('/a');
    expect(resolveDataDir(undefined, { MARIA_DATA_DIR: '/b' }, '/x')).toBe('/b');
    expect(resolveDataDir(undefined, { MARIA_DATA_DIR: 'rel' }, '/x')).toBe('/x/rel');
    // This file lives in packages/cli-kit/src of the workspace.
    const workspace = path.resolve(import.meta.dirname, '../../..');
    expect(resolveDataDir(undefined, {}, import.meta.dirname)).toBe(path.resolve(workspace, '..', 'shared', 'data'));
    expect(resolveDataDir(undefined, { MARIA_DATA_DIR: '' }, root)).toBe(path.join(root, 'data'));
  });
});

describe('requireDataPath', () => {
  it('returns the default inside the data folder when it exists', () => {
    expect(requireDataPath('--data', undefined, { relative: 'eval/text.txt', what: 'text' }, path.join(root, 'data'))).toBe(path.join(root, 'data', 'eval', 'text.txt'));
  });

  it('refuses a missing default with the path, the flag and both ways to point elsewhere', () => {
    let thrown: unknown;
    try {
      requireDataPath('--data', undefined, { relative: 'eval/other.txt', what: 'the other text' }, path.join(root, 'data'));
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    const message = (thrown as Error).message;
    expect(message).toBe(
      `invalid --data: "${path.join(root, 'data', 'eval', 'other.txt')}" (expected the other text at eval/other.txt in the data folder; pass --data, or point --data-dir or $MARIA_DATA_DIR at a folder holding eval/other.txt)`,
    );
  });

  it('checks the kind: a folder is not a file, and `any` takes either', () => {
    expect(() => requireDataPath('--data', path.join(root, 'data', 'eval'), { relative: 'x', what: 'a text' })).toThrow(/expected an existing file: a text/);
    expect(requireDataPath('--source', path.join(root, 'data', 'eval'), { relative: 'x', what: 'a tokenizer', kind: 'any' })).toBe(path.join(root, 'data', 'eval'));
    expect(() => requireDataPath('--corpus', path.join(root, 'data', 'eval', 'text.txt'), { relative: 'x', what: 'shards', kind: 'directory' })).toThrow(/expected an existing directory/);
  });
});
