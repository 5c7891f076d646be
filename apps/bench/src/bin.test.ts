import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the maria-bench bin as a real process', () => {
  it('an unknown flag is an argument error: exit 2, one line, and a JSON error with --json', { timeout: 60_000 }, () => {
    const child = spawnSync(process.execPath, ['--conditions=@maria-ts/source', '--import', 'tsx', path.join(REPO, 'apps/bench/src/bin.ts'), 'ops', '--repeat', '2', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe("error: unknown option '--repeat' (Did you mean --repeats?)\n");
    expect(JSON.parse(child.stdout)).toEqual({ error: 'InvalidArgument', message: "unknown option '--repeat' (Did you mean --repeats?)", details: { code: 'commander.unknownOption' } });
    expect(child.status).toBe(2);
  });
});
