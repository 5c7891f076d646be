import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponseSchema } from '../response-schemas.js';
import { parseEventStream, postJson } from '../testing/test-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = path.join(ROOT, 'apps/serve/src/bin.ts');

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

let running: Running | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

/** Starts `maria-serve` as a real process (tsx, source condition) on a free port. */
async function startServeProcess(extra: string[]): Promise<Running> {
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

/** Reads a streamed response until its first event has arrived; returns a promise of the whole body. */
async function firstEventThenRest(response: Response): Promise<{ first: string; rest: Promise<string> }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value, { stream: true });
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { first: text, rest };
}

describe('maria-serve on SIGTERM', () => {
  it('refuses new work, lets the in-flight stream finish, and exits 0', { timeout: 90_000 }, async () => {
    running = await startServeProcess(['--grace-ms', '30000']);
    const { child, url, exited } = running;
    expect(url.startsWith('http://127.0.0.1:')).toBe(true); // loopback by default
    // Long enough (seconds on 2 busy cores) to still be running when the signal lands.
    const stream = await firstEventThenRest(await postJson(`${url}/v1/generate`, { length: 48, iterations: 16, seed: 1, stream: true }));
    child.kill('SIGTERM');
    while ((await fetch(`${url}/healthz`)).status === 200) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await postJson(`${url}/v1/infill`, { text: 'a [MASK]' });
    expect(refused.status).toBe(503);
    expect(errorResponseSchema.parse(await refused.json()).error).toBe('ShuttingDown');
    const events = parseEventStream(await stream.rest);
    expect(events.at(-1)?.event).toBe('done');
    expect(events.filter((event) => event.event === 'progress')).toHaveLength(17);
    expect(await exited).toBe(0);
    expect(running.output()).toContain('maria-serve: stopped');
  });

  it('cancels in-flight work when the grace period is over, and still exits 0', { timeout: 90_000 }, async () => {
    running = await startServeProcess(['--grace-ms', '0']);
    const { child, url, exited } = running;
    const stream = await firstEventThenRest(await postJson(`${url}/v1/generate`, { length: 64, iterations: 200, seed: 1, stream: true }));
    child.kill('SIGTERM');
    const events = parseEventStream(await stream.rest);
    expect(events.at(-1)).toEqual({ event: 'error', data: { error: 'ShuttingDown', message: 'the server is shutting down' } });
    expect(await exited).toBe(0);
  });
});
