import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./end-on-signals.ts', import.meta.url));
/** tsx's CLI: it runs the script in a child whose signal handlers call process.exit, like `pnpm maria`. */
const TSX_CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'cli.mjs');

let root: string;
const children: ChildProcess[] = [];
const pipes: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'maria-end-on-signals-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pipe of pipes) await open(pipe, constants.O_WRONLY | constants.O_NONBLOCK).then((handle) => handle.close(), () => undefined);
  await rm(root, { recursive: true, force: true });
});

/**
 * Runs, under tsx, a script that installs `endOnSignals` and then blocks a libuv thread
 * in `open` on a named pipe (what a pipe given as a model file did); sends `signal` to the
 * script's process and reports whether the whole tree ended within 5 s.
 */
async function endsOn(signal: 'SIGTERM' | 'SIGINT', name: string): Promise<boolean> {
  const fifo = path.join(root, `${name}.fifo`);
  execFileSync('mkfifo', [fifo]);
  pipes.push(fifo);
  const script = path.join(root, `${name}.ts`);
  await writeFile(
    script,
    [
      `import { open } from 'node:fs/promises';`,
      `import { endOnSignals } from ${JSON.stringify(MODULE)};`,
      `endOnSignals();`,
      `void open(${JSON.stringify(fifo)}, 'r');`,
      `setInterval(() => undefined, 1000);`,
      `setTimeout(() => console.log('ready ' + process.pid), 300);`,
    ].join('\n'),
  );
  const child = spawn(process.execPath, [TSX_CLI, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const pid = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error(`exited before it was ready: ${output}`)));
  });
  process.kill(pid, signal);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('endOnSignals', () => {
  it('SIGTERM ends a process whose worker thread is stuck opening a named pipe', { timeout: 30_000 }, async () => {
    expect(await endsOn('SIGTERM', 'term')).toBe(true);
  });

  it('so does Ctrl-C (SIGINT) when no command is listening for it', { timeout: 30_000 }, async () => {
    expect(await endsOn('SIGINT', 'int')).toBe(true);
  });
});
