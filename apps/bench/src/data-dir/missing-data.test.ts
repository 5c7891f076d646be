import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eloCommand } from '../elo/elo-command.js';
import { benchInProcess } from '../ppl/bench-in-process.js';
import { posCommand } from '../pos/pos-command.js';

let empty: string;
const saved = process.env.MARIA_DATA_DIR;

beforeAll(async () => {
  empty = await mkdtemp(path.join(tmpdir(), 'maria-bench-no-data-'));
  process.env.MARIA_DATA_DIR = empty;
});

afterAll(async () => {
  if (saved === undefined) delete process.env.MARIA_DATA_DIR;
  else process.env.MARIA_DATA_DIR = saved;
  await rm(empty, { recursive: true, force: true });
});

describe('benchmarks whose default data is missing', () => {
  it.each([
    ['elo', eloCommand, ['elo', '--prompts', '1'], '--data', 'eval/wikitext2_raw_test.txt'],
    ['pos', posCommand, ['pos'], '--train', 'eval/conll2003/eng.train'],
  ] as const)('%s says on one line which file is missing and how to point elsewhere (exit 2)', async (_name, command, args, flag, relative) => {
    const result = await benchInProcess(command, [...args, '--json']);
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('maria: engine'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`invalid ${flag}: "${path.join(empty, relative)}"`);
    expect(lines[0]).toContain('--data-dir');
    expect(lines[0]).toContain('$MARIA_DATA_DIR');
    expect(lines[0]).not.toContain('ENOENT');
    expect(JSON.parse(result.stdout)).toMatchObject({ error: 'InvalidArgument', details: { name: flag } });
  });

  it('--data-dir wins over MARIA_DATA_DIR', async () => {
    const other = path.join(empty, 'elsewhere');
    const result = await benchInProcess(eloCommand, ['elo', '--data-dir', other]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(path.join(other, 'eval', 'wikitext2_raw_test.txt'));
  });

  it('a file named on the command line that does not exist is refused by its flag', async () => {
    const result = await benchInProcess(posCommand, ['pos', '--train', path.join(empty, 'nope.conll')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`invalid --train: "${path.join(empty, 'nope.conll')}" (expected an existing file`);
  });
});
