import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@maria-ts/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveCommand } from './serve-command.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** `maria-serve …args` as a real process (tsx, source condition); `timeout` bounds a server that wrongly starts. */
function serveProcess(args: string[], environment: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['--conditions=@maria-ts/source', '--import', 'tsx', path.join(ROOT, 'apps/serve/src/bin.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: environment });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('maria-serve flags', () => {
  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '-1'], '--port'],
    [['--queue-depth', '0'], '--queue-depth'],
    [['--timeout-ms', '1.5'], '--timeout-ms'],
  ])('%j is refused with a typed error naming the flag, before anything loads', async (flags, name) => {
    const command = serveCommand({ out: () => undefined }).exitOverride();
    const error = await command.parseAsync(['node', 'maria-serve', ...flags]).catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(name);
  });

  it('refuses --fraction-gate with --random-model (a random model has no gate), before anything loads', async () => {
    const lines: string[] = [];
    const command = serveCommand({ out: (line) => lines.push(line) }).exitOverride();
    const error = await command.parseAsync(['node', 'maria-serve', '--random-model', '0', '--fraction-gate', '--port', '0', '--quiet']).catch((thrown: unknown) => thrown);
    expect(lines).toEqual([]);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('--fraction-gate');
  });

  it('binds 127.0.0.1 unless told otherwise', () => {
    const host = serveCommand().options.find((option) => option.long === '--host');
    expect(host?.defaultValue).toBe('127.0.0.1');
  });

  describe('an empty bearer token is refused, from the flag or from MARIA_SERVE_TOKEN', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it.each([
      ['--token ""', ['--token', ''], undefined, '--token'],
      ['MARIA_SERVE_TOKEN=""', [], '', 'MARIA_SERVE_TOKEN'],
      ['MARIA_SERVE_TOKEN="" with --token ""', ['--token', ''], '', '--token'],
    ])('%s', async (_, flags, environment, name) => {
      if (environment !== undefined) vi.stubEnv('MARIA_SERVE_TOKEN', environment);
      const lines: string[] = [];
      const command = serveCommand({ out: (line) => lines.push(line) }).exitOverride();
      const error = await command.parseAsync(['node', 'maria-serve', '--random-model', '0', '--port', '0', '--quiet', '--engine', 'wasm', '--threads', '1', ...flags]).catch((thrown: unknown) => thrown);
      expect(lines).toEqual([]); // refused before anything loads or listens
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(`invalid ${name}: "" (expected a non-empty token (${name === '--token' ? 'omit --token' : 'unset it'} to serve without one))`);
    });

    it('as a real process: exit 2 and one line, instead of serving without authentication', { timeout: 60_000 }, () => {
      const result = serveProcess(['--random-model', '0', '--port', '0', '--quiet'], { ...process.env, MARIA_SERVE_TOKEN: '' });
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('error: invalid MARIA_SERVE_TOKEN: "" (expected a non-empty token (unset it to serve without one))\n');
      expect(result.status).toBe(2);
    });
  });

  it('an unknown flag exits 2 with one line', { timeout: 60_000 }, () => {
    expect(serveProcess(['--prot', '0'])).toEqual({ status: 2, stdout: '', stderr: "error: unknown option '--prot' (Did you mean --port?)\n" });
  });
});
