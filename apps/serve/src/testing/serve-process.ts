import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = path.join(ROOT, 'apps/serve/src/bin.ts');

/** A `maria-serve` process started by a test; kill it in `afterEach` if it is still running. */
export interface RunningServe {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything it printed so far, stdout and stderr together. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `maria-serve` as a real process (tsx, source condition) on a free port with a small
 * random MARIA, one wasm thread and no request log, plus `extra` flags; resolves once it
 * prints its "listening" line (for tests of signals and start-up behaviour).
 */
export async function startServeProcess(extra: string[]): Promise<RunningServe> {
  const child = spawn(process.execPath, ['--conditions=@maria-ts/source', '--import', 'tsx', BIN, '--random-model', '0', '--port', '0', '--quiet', '--engine', 'wasm', '--threads', '1', ...extra], { cwd: ROOT });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`maria-serve exited with ${code} before listening:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}
