import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './write-file-atomic.js';

describe.each([
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', (file: string, content: string | Uint8Array) => Promise.resolve().then(() => writeFileAtomicSync(file, content))],
] as const)('%s', (_name, writeFileAtomic) => {
  it('creates parents, replaces the file and leaves no temporary files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'maria-atomic-'));
    const file = path.join(dir, 'a', 'b', 'out.json');
    await writeFileAtomic(file, '{"v":1}');
    await writeFileAtomic(file, new TextEncoder().encode('{"v":2}'));
    expect(await readFile(file, 'utf8')).toBe('{"v":2}');
    expect(await readdir(path.dirname(file))).toEqual(['out.json']);
  });

  it('keeps the old content when the write fails', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'maria-atomic-'));
    const file = path.join(dir, 'keep.txt');
    await writeFile(file, 'old');
    const poisoned = { [Symbol.toPrimitive]: () => { throw new Error('boom'); } } as unknown as string;
    await expect(writeFileAtomic(file, poisoned)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });
});
