import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = path.join(REPO, 'node_modules/.bin/tsx');
const BIN = path.join(REPO, 'apps/cli/src/bin.ts');

/**
 * `maria …` as a real process, through a shell so the arguments can hold raw bytes that are
 * not UTF-8 (Node's own spawn can only pass strings): `script` is shell text after `maria`.
 */
function maria(script: string, input?: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync('bash', ['-c', `exec "${TSX}" --conditions=@maria-ts/source "${BIN}" ${script}`], { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, MARIA_LOG: 'silent' }, ...(input ? { input } : {}) });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('the maria bin as a real process', () => {
  it('refuses --text whose bytes are not UTF-8 (exit 2) instead of filling a text with U+FFFD in it', () => {
    const result = maria(`infill --text "$(printf 'caf\\xe9 [MASK]')" --json`);
    expect(result.stderr.trim()).toMatch(/^error: --text is not valid UTF-8 \(U\+FFFD at character 3, .*--file/u);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: 'InvalidArgument' });
    expect(result.status).toBe(2);
  }, 60_000);

  it('--file - reads stdin: accented, CJK and emoji text is filled; bytes that are not UTF-8 are refused (exit 2)', () => {
    const good = maria('infill --file - --seed 1 --json', Buffer.from('Le café [MASK] Zürich, 東京 🐱.', 'utf8'));
    expect(good.status).toBe(0);
    expect((JSON.parse(good.stdout) as { text: string }).text).toMatch(/^Le café .* Zürich, 東京 🐱\.$/u);
    const bad = maria('infill --file -', Buffer.from([0x5b, 0x4d, 0x41, 0x53, 0x4b, 0x5d, 0x20, 0xff]));
    expect(bad).toEqual({ status: 2, stdout: '', stderr: 'error: --file (stdin): not valid UTF-8 (at byte 7)\n' });
  }, 60_000);

  it('an unknown flag is an argument error: exit 2, one line, a JSON error with --json', () => {
    const result = maria('generate --lenght 8 --json');
    expect(result.stderr).toBe("error: unknown option '--lenght' (Did you mean --length?)\n");
    expect(JSON.parse(result.stdout)).toEqual({ error: 'InvalidArgument', message: "unknown option '--lenght' (Did you mean --length?)", details: { code: 'commander.unknownOption' } });
    expect(result.status).toBe(2);
  }, 60_000);
});
