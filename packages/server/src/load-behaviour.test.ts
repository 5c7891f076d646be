import { afterEach, describe, expect, it } from 'vitest';
import { errorResponseSchema, infillResponseSchema } from './response-schemas.js';
import { createEngineGate as gate } from './testing/fake-engine.js';
import { postJson, startTestServer, type TestServer } from './testing/test-server.js';

let live: TestServer | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

/** Resolves when `predicate` holds, polling every 5 ms (fails the test after 5 s). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('behaviour under load', () => {
  it('answers 503 with Retry-After once the queue is full, and serves the queued requests after', async () => {
    const g = gate();
    live = await startTestServer({ maxQueued: 2, maxBatch: 1, fake: { gate: g.wait } });
    const { server, url } = live;
    const body = { text: 'a [MASK]', seed: 1 };
    const accepted = [postJson(`${url}/v1/infill`, body)];
    await until(() => server.scheduler.active === 1, 'the first request to run');
    accepted.push(postJson(`${url}/v1/infill`, body), postJson(`${url}/v1/infill`, body));
    await until(() => server.scheduler.depth === 2, 'two queued requests');
    const refused = await postJson(`${url}/v1/infill`, body);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(errorResponseSchema.parse(await refused.json()).error).toBe('QueueFull');
    const streamed = await postJson(`${url}/v1/infill`, { ...body, stream: true });
    expect(streamed.status).toBe(503); // refused before any stream starts
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^maria_queue_depth 2$/m);
    expect(metrics).toMatch(/^maria_queue_rejected_total 2$/m);
    const releaser = setInterval(g.openAll, 5);
    const answers = await Promise.all(accepted);
    clearInterval(releaser);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  });

  it('batches compatible requests that wait together', async () => {
    const g = gate();
    live = await startTestServer({ maxQueued: 16, maxBatch: 8, fake: { gate: g.wait } });
    const { server, url, engine } = live;
    const first = postJson(`${url}/v1/infill`, { text: 'a [MASK]', seed: 1, temperature: 0.5 });
    await until(() => server.scheduler.active === 1, 'the first request to run');
    const sameOptions = [2, 3, 4, 5].map((seed) => postJson(`${url}/v1/infill`, { text: `b [MASK] ${seed}`, seed, temperature: 0.5 }));
    const otherOptions = postJson(`${url}/v1/infill`, { text: 'c [MASK]', seed: 6, temperature: 0.9 });
    await until(() => server.scheduler.depth === 5, 'five queued requests');
    const releaser = setInterval(g.openAll, 5);
    try {
      const answers = await Promise.all([first, ...sameOptions, otherOptions]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(engine.batchSizes).toEqual([1, 4, 1]);
      // A request's result does not depend on its batch: the same seed alone gives the same tokens.
      const batched = infillResponseSchema.parse(await answers[2]?.json());
      const alone = infillResponseSchema.parse(await (await postJson(`${url}/v1/infill`, { text: 'b [MASK] 3', seed: 3, temperature: 0.5 })).json());
      expect(alone.tokens).toEqual(batched.tokens);
    } finally {
      clearInterval(releaser);
    }
  });

  it('a client that disconnects mid-stream cancels its decoding', async () => {
    live = await startTestServer({ fake: { tokenDelayMs: 20 } });
    const { server, url, engine } = live;
    const controller = new AbortController();
    const response = await postJson(`${url}/v1/infill`, { text: '[MASK] '.repeat(100), stream: true, seed: 1 }, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: token')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await until(() => engine.cancelled === 1, 'the engine to see the cancellation');
    await until(() => server.scheduler.active === 0, 'the scheduler to go idle');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/maria_http_requests_total\{method="POST",route="\/v1\/infill",status="499"\} 1/); // recorded as nginx's "client closed request"
    expect(metrics).not.toMatch(/maria_tokens_total\{kind="infill"\} [1-9]/); // a cancelled job counts no tokens
  });

  it('a client that disconnects while its plain request waits leaves the queue at once', async () => {
    const g = gate();
    live = await startTestServer({ maxBatch: 1, fake: { gate: g.wait } });
    const { server, url } = live;
    const first = postJson(`${url}/v1/infill`, { text: 'a [MASK]', seed: 1 });
    await until(() => server.scheduler.active === 1, 'the first request to run');
    const controller = new AbortController();
    const abandoned = postJson(`${url}/v1/infill`, { text: 'b [MASK]', seed: 2 }, { signal: controller.signal }).catch((error: unknown) => error);
    await until(() => server.scheduler.depth === 1, 'the second request to queue');
    controller.abort();
    await abandoned;
    await until(() => server.scheduler.depth === 0, 'the abandoned request to leave the queue');
    g.openAll();
    expect((await first).status).toBe(200);
  });

  it('cancels a request past the per-request timeout and answers 504 (or an error event)', async () => {
    live = await startTestServer({ timeoutMs: 100, fake: { tokenDelayMs: 30 } });
    const { url, engine } = live;
    const response = await postJson(`${url}/v1/infill`, { text: '[MASK] '.repeat(50), seed: 1 });
    expect(response.status).toBe(504);
    expect(errorResponseSchema.parse(await response.json()).error).toBe('RequestTimeout');
    const streamed = await postJson(`${url}/v1/infill`, { text: '[MASK] '.repeat(50), seed: 1, stream: true });
    const text = await streamed.text();
    expect(text).toContain('event: error\ndata: {"error":"RequestTimeout"');
    expect(engine.cancelled).toBe(2);
  });

  it('shutdown lets running work finish within the grace period and refuses new work', async () => {
    live = await startTestServer({ fake: { tokenDelayMs: 10 } });
    const { server, url } = live;
    const running = postJson(`${url}/v1/infill`, { text: '[MASK] '.repeat(10), seed: 1 });
    await until(() => server.scheduler.active === 1, 'the request to run');
    const stopping = server.shutdown({ graceMs: 5000 });
    const refused = await postJson(`${url}/v1/infill`, { text: 'a [MASK]' });
    expect(refused.status).toBe(503);
    expect(errorResponseSchema.parse(await refused.json()).error).toBe('ShuttingDown');
    expect((await running).status).toBe(200);
    await stopping;
  });

  it('shutdown cancels what is still running when the grace period ends', async () => {
    live = await startTestServer({ fake: { tokenDelayMs: 20 } });
    const { server, url } = live;
    const running = postJson(`${url}/v1/infill`, { text: '[MASK] '.repeat(200), seed: 1 });
    await until(() => server.scheduler.active === 1, 'the request to run');
    await server.shutdown({ graceMs: 50 });
    const response = await running;
    expect(response.status).toBe(503);
    expect(errorResponseSchema.parse(await response.json()).error).toBe('ShuttingDown');
  });
});
