import { afterEach, describe, expect, it } from 'vitest';
import { errorResponseSchema } from '@maria-ts/server';
import { startServeProcess, type RunningServe } from '../testing/serve-process.js';
import { parseEventStream, postJson } from '../../../../packages/server/src/testing/test-server.js';

let running: RunningServe | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

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
    running = await startServeProcess(['--grace-ms', '0', '--max-work', '1000000']); // a request long enough to be cut
    const { child, url, exited } = running;
    const stream = await firstEventThenRest(await postJson(`${url}/v1/generate`, { length: 64, iterations: 200, seed: 1, stream: true }));
    child.kill('SIGTERM');
    const events = parseEventStream(await stream.rest);
    expect(events.at(-1)).toEqual({ event: 'error', data: { error: 'ShuttingDown', message: 'the server is shutting down' } });
    expect(await exited).toBe(0);
  });
});
