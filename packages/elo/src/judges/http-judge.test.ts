import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError } from '@maria-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpJudge, type HttpJudgeOptions, chatCompletionsUrl } from './http-judge.js';
import { JudgeConfigurationError, JudgeHttpError, JudgeReplyError } from './judge-errors.js';

/** What the mock endpoint does with one request. */
type Behaviour =
  | { readonly status?: number; readonly reply?: string; readonly body?: string; readonly headers?: Record<string, string>; readonly delayMs?: number }
  | 'hang'
  | 'drop';

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { model: string; messages: { role: string; content: string }[]; temperature: number; max_tokens?: number };
}

const completion = (content: string) => JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

/**
 * A local OpenAI-compatible endpoint on port 0. Each request takes the next scripted
 * behaviour (the last one repeats), so a test states exactly which tries fail and how.
 */
class MockChatServer {
  readonly received: Received[] = [];
  /** Most requests open at the same time since the last `respond`. */
  maxInFlight = 0;
  private inFlight = 0;
  private script: Behaviour[] = [];
  private server: Server | undefined;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  respond(...script: Behaviour[]): void {
    this.script = script;
    this.maxInFlight = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      this.received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(raw) as Received['body'] });
      const behaviour = (this.script.length > 1 ? this.script.shift() : this.script[0]) ?? { reply: '5' };
      if (behaviour === 'hang') return;
      if (behaviour === 'drop') {
        request.socket.destroy();
        return;
      }
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const send = () => {
        this.inFlight--;
        response.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...behaviour.headers });
        response.end(behaviour.body ?? completion(behaviour.reply ?? '5'));
      };
      if (behaviour.delayMs) setTimeout(send, behaviour.delayMs);
      else send();
    });
  }
}

describe('HttpJudge against a local mock server', () => {
  const server = new MockChatServer();
  /** Recorded backoff and rate-limit waits; they resolve at once so tests stay fast. */
  let waits: number[];
  const judge = (options: HttpJudgeOptions = {}) =>
    new HttpJudge({
      url: server.baseUrl,
      model: 'judge-model',
      environment: {},
      requestsPerMinute: Infinity,
      initialBackoffMs: 100,
      timeoutMs: 2_000,
      sleep: async (milliseconds, signal) => {
        if (signal?.aborted) throw new AbortedError('judge wait');
        waits.push(milliseconds);
      },
      ...options,
    });

  beforeEach(async () => {
    waits = [];
    server.received.length = 0;
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('sends one chat request per text and parses the scores in order', async () => {
    server.respond({ reply: 'Score: 7/10' }, { reply: '{"score": 3}' }, { reply: '9' });
    const subject = judge({ apiKey: 'secret-key', maxTokens: 8 });
    expect(subject.name).toBe('http:judge-model');
    expect(await subject.score(['first text', 'second', 'third'])).toEqual([7, 3, 9]);
    expect(server.received).toHaveLength(3);
    const [first] = server.received;
    expect(first?.path).toBe('/v1/chat/completions');
    expect(first?.headers.authorization).toBe('Bearer secret-key');
    expect(first?.body.model).toBe('judge-model');
    expect(first?.body.temperature).toBe(0);
    expect(first?.body.max_tokens).toBe(8);
    const prompt = first?.body.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('coherence, fluency, and style');
    expect(prompt).toContain('first text');
  });

  it('reads URL, model and API key from MARIA_JUDGE_* environment variables', async () => {
    server.respond({ reply: '6' });
    const subject = new HttpJudge({
      environment: { MARIA_JUDGE_URL: `${server.baseUrl}/chat/completions`, MARIA_JUDGE_MODEL: 'env-model', MARIA_JUDGE_API_KEY: 'env-key' },
    });
    expect(await subject.score(['x'])).toEqual([6]);
    expect(server.received[0]?.headers.authorization).toBe('Bearer env-key');
    expect(server.received[0]?.body.model).toBe('env-model');
    expect(() => new HttpJudge({ environment: {} })).toThrowError(JudgeConfigurationError);
    expect(() => new HttpJudge({ environment: { MARIA_JUDGE_URL: server.baseUrl } })).toThrowError(/MARIA_JUDGE_MODEL/);
    // No key anywhere: no Authorization header (local servers need none).
    server.respond({ reply: '6' });
    await judge().score(['y']);
    expect(server.received[1]?.headers.authorization).toBeUndefined();
  });

  it('retries 429 and 5xx with exponential backoff, honouring Retry-After', async () => {
    server.respond({ status: 429, body: '{"error":"slow down"}', headers: { 'retry-after': '2' } }, { status: 500, body: 'oops' }, { status: 503, body: 'busy' }, { reply: '8' });
    expect(await judge().score(['text'])).toEqual([8]);
    expect(server.received).toHaveLength(4);
    expect(waits[0]).toBe(2_000); // Retry-After: 2
    // Then 100·2^1 and 100·2^2 ms, each with jitter in [0.5, 1.5).
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThan(300);
    expect(waits[2]).toBeGreaterThanOrEqual(200);
    expect(waits[2]).toBeLessThan(600);
  });

  it('gives up after maxAttempts with a JudgeHttpError carrying the status and body', async () => {
    server.respond({ status: 502, body: 'bad gateway' });
    const failure = await judge({ maxAttempts: 3 }).score(['text']).catch((error: unknown) => error);
    expect(JudgeHttpError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/after 3 attempts: HTTP 502: bad gateway/);
    expect(server.received).toHaveLength(3);
  });

  it('does not retry other client errors, and hints at the key on 401', async () => {
    server.respond({ status: 401, body: '{"error":"invalid api key"}' });
    await expect(judge().score(['text'])).rejects.toThrowError(/after 1 attempt: HTTP 401: .*invalid api key.*MARIA_JUDGE_API_KEY/);
    expect(server.received).toHaveLength(1);
  });

  it('retries dropped connections and timeouts', async () => {
    server.respond('drop', 'hang', { reply: '4' });
    expect(await judge({ timeoutMs: 200 }).score(['text'])).toEqual([4]);
    expect(server.received).toHaveLength(3);
    server.respond('hang');
    await expect(judge({ timeoutMs: 100, maxAttempts: 2 }).score(['text'])).rejects.toThrowError(/after 2 attempts: no reply within 100 ms/);
  });

  it('throws JudgeReplyError for malformed replies instead of guessing', async () => {
    server.respond({ reply: 'I cannot evaluate this.' });
    await expect(judge().score(['text'])).rejects.toThrowError(JudgeReplyError);
    server.respond({ body: '<html>proxy error</html>' });
    await expect(judge().score(['text'])).rejects.toThrowError(/not JSON/);
    server.respond({ body: '{"choices": []}' });
    await expect(judge().score(['text'])).rejects.toThrowError(/choices\[0\]\.message\.content/);
    server.respond({ reply: 'Score: 42' });
    await expect(judge().score(['text'])).rejects.toThrowError(/outside 1–10/);
  });

  it('honours an AbortSignal: before the call, during a request and during backoff', async () => {
    await expect(judge().score(['text'], { signal: AbortSignal.abort() })).rejects.toSatisfy(AbortedError.isInstance);
    expect(server.received).toHaveLength(0);

    server.respond('hang');
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    await expect(judge({ timeoutMs: 10_000 }).score(['text'], { signal: controller.signal })).rejects.toSatisfy(AbortedError.isInstance);
    expect(performance.now() - started).toBeLessThan(2_000);

    server.respond({ status: 503, body: 'busy' });
    const duringBackoff = new AbortController();
    const subject = judge({
      sleep: async () => {
        duringBackoff.abort();
        throw new AbortedError('judge wait');
      },
    });
    await expect(subject.score(['text'], { signal: duringBackoff.signal })).rejects.toSatisfy(AbortedError.isInstance);
  });

  it('rate-limits request starts', async () => {
    server.respond({ reply: '5' });
    let clock = 0; // injected time: only the limiter's waits move it
    const subject = judge({
      requestsPerMinute: 1_200, // one start every 50 ms
      now: () => clock,
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
        clock += milliseconds;
      },
    });
    expect(await subject.score(['a', 'b', 'c'])).toEqual([5, 5, 5]);
    expect(waits).toEqual([50, 50]);
  });

  it('runs up to `concurrency` requests at once, keeps the order, and stops on the first failure', async () => {
    server.respond({ reply: '2', delayMs: 150 }, { reply: '3', delayMs: 150 }, { reply: '4', delayMs: 150 });
    expect(await judge({ concurrency: 3 }).score(['a', 'b', 'c'])).toEqual([2, 3, 4]);
    expect(server.maxInFlight).toBe(3);
    server.respond({ reply: '6', delayMs: 20 });
    expect(await judge({ concurrency: 2 }).score(['a', 'b', 'c', 'd'])).toEqual([6, 6, 6, 6]);
    expect(server.maxInFlight).toBe(2);
    server.respond({ reply: '6', delayMs: 20 });
    await judge().score(['a', 'b', 'c']);
    expect(server.maxInFlight).toBe(1);

    server.respond({ status: 400, body: 'bad request' }, { reply: '5', delayMs: 100 });
    server.received.length = 0;
    await expect(judge({ concurrency: 2 }).score(['a', 'b', 'c', 'd', 'e'])).rejects.toThrowError(/HTTP 400/);
    expect(server.received.length).toBeLessThan(5);
  });
});

describe('chatCompletionsUrl', () => {
  it('appends /chat/completions to a base URL and keeps a full endpoint', () => {
    expect(chatCompletionsUrl('https://api.example.com/v1')).toBe('https://api.example.com/v1/chat/completions');
    expect(chatCompletionsUrl('https://api.example.com/v1/')).toBe('https://api.example.com/v1/chat/completions');
    expect(chatCompletionsUrl('http://localhost:8080/v1/chat/completions')).toBe('http://localhost:8080/v1/chat/completions');
    expect(() => chatCompletionsUrl('not a url')).toThrowError(/judge url/);
    expect(() => chatCompletionsUrl('ftp://host/v1')).toThrowError(/http or https/);
  });
});
