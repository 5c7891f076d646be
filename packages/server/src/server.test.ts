import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorResponseSchema,
  generateProgressEventSchema,
  generateResponseSchema,
  healthResponseSchema,
  infillResponseSchema,
  infillStartEventSchema,
  infillTokenEventSchema,
  scoreResponseSchema,
} from './response-schemas.js';
import { parseEventStream, startTestServer, tinyTokenizer, type TestServer } from './testing/test-server.js';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer({ listen: false });
});
afterAll(() => test.close());

const post = (url: string, payload: unknown) => test.server.app.inject({ method: 'POST', url, payload: payload as object });

describe('POST /v1/infill', () => {
  it('fills every [MASK] of a text and answers in the CLI contract shape', async () => {
    const response = await post('/v1/infill', { text: 'The [MASK] sat on the [MASK].', tokensPerMask: 2, seed: 7 });
    expect(response.statusCode).toBe(200);
    const body = infillResponseSchema.parse(response.json());
    expect(body.masked).toHaveLength(4);
    expect(body.filled.map((token) => token.index)).toEqual(body.masked);
    expect(body.seed).toBe(7);
    for (const token of body.filled) expect(body.tokens[token.index]).toBe(token.id);
    expect(body.text.startsWith('The')).toBe(true);
    expect(body.text).toContain(' sat on the');
  });

  it('is reproducible from the returned seed, and draws a seed when none is sent', async () => {
    const first = infillResponseSchema.parse((await post('/v1/infill', { text: '[MASK] [MASK] [MASK] [MASK]' })).json());
    const again = infillResponseSchema.parse((await post('/v1/infill', { text: '[MASK] [MASK] [MASK] [MASK]', seed: first.seed })).json());
    expect(again.tokens).toEqual(first.tokens);
  });

  it('accepts ids with masked positions and keeps the unmasked ids', async () => {
    const response = await post('/v1/infill', { ids: [464, 3797, 3332, 13], masked: [3, 1], temperature: 0 });
    const body = infillResponseSchema.parse(response.json());
    expect(body.masked).toEqual([1, 3]);
    expect(body.tokens[0]).toBe(464);
    expect(body.tokens[2]).toBe(3332);
  });

  it('streams start, one token event per filled token, then done', async () => {
    const response = await post('/v1/infill', { text: 'A [MASK] and a [MASK].', tokensPerMask: 2, seed: 3, stream: true });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const events = parseEventStream(response.body);
    expect(events.map((event) => event.event)).toEqual(['start', 'token', 'token', 'token', 'token', 'done']);
    const start = infillStartEventSchema.parse(events[0]?.data);
    expect(start.pieces.filter((piece, index) => start.masked.includes(index) && piece === '')).toHaveLength(4);
    const done = infillResponseSchema.parse(events.at(-1)?.data);
    const tokens = events.slice(1, -1).map((event) => infillTokenEventSchema.parse(event.data));
    expect(tokens.map(({ index, id, piece }) => ({ index, id, piece }))).toEqual(done.filled);
    expect(start.text + tokens.map((token) => token.text).join('')).toBe(done.text);
    const plain = infillResponseSchema.parse((await post('/v1/infill', { text: 'A [MASK] and a [MASK].', tokensPerMask: 2, seed: 3 })).json());
    expect(done).toEqual(plain);
  });
});

describe('POST /v1/infill streams decoded text, not token pieces', () => {
  it('accented, CJK and emoji text arrives whole: no U+FFFD, and start + deltas is the final text', async () => {
    const tokenizer = await tinyTokenizer();
    const text = 'Le café Zürich, 東京 🐱.';
    const ids = tokenizer.encode(text);
    // Mask the tokens that are bytes of a character (and so decode alone to U+FFFD), plus the last word.
    const masked = ids.flatMap((id, index) => (tokenizer.decode([id]) === '\uFFFD' || index === ids.length - 1 ? [index] : []));
    expect(masked.length).toBeGreaterThan(6);
    const byteServer = await startTestServer({ listen: false, fake: { fillWith: (index) => ids[index] as number } });
    try {
      const response = await byteServer.server.app.inject({ method: 'POST', url: '/v1/infill', payload: { ids, masked, stream: true } });
      const events = parseEventStream(response.body);
      const start = infillStartEventSchema.parse(events[0]?.data);
      const tokens = events.slice(1, -1).map((event) => infillTokenEventSchema.parse(event.data));
      const done = infillResponseSchema.parse(events.at(-1)?.data);
      expect(done.text).toBe(text);
      expect(tokens).toHaveLength(masked.length);
      expect(start.text + tokens.map((token) => token.text).join('')).toBe(text);
      for (const shown of [start.text, ...tokens.map((token) => token.text)]) expect(shown).not.toContain('\uFFFD');
      expect(tokens.map((token) => token.fill).join('')).toBe('ü東京🐱.');
    } finally {
      await byteServer.close();
    }
  });

  it('the unmasked text of a [MASK] request streams whole too', async () => {
    const response = await post('/v1/infill', { text: 'Le café [MASK] Zürich, 東京 [MASK] 🐱.', seed: 2, stream: true });
    const events = parseEventStream(response.body);
    const start = infillStartEventSchema.parse(events[0]?.data);
    expect(start.text).toBe('Le café');
    expect(start.pending).toEqual([' Zürich, 東京', ' 🐱.']);
    const done = infillResponseSchema.parse(events.at(-1)?.data);
    expect(start.text + events.slice(1, -1).map((event) => infillTokenEventSchema.parse(event.data).text).join('')).toBe(done.text);
    expect(done.text).toMatch(/^Le café .+ Zürich, 東京 .+ 🐱\.$/u);
  });
});

describe('POST /v1/generate and /v1/score', () => {
  it('generates, and streams one progress event per iteration', async () => {
    const body = generateResponseSchema.parse((await post('/v1/generate', { length: 6, iterations: 3, seed: 2 })).json());
    expect(body.tokens).toHaveLength(6);
    const events = parseEventStream((await post('/v1/generate', { length: 6, iterations: 3, seed: 2, stream: true })).body);
    expect(events.map((event) => event.event)).toEqual(['progress', 'progress', 'progress', 'progress', 'done']);
    expect(events.slice(0, -1).map((event) => generateProgressEventSchema.parse(event.data).iteration)).toEqual([0, 1, 2, 3]);
    expect(generateResponseSchema.parse(events.at(-1)?.data)).toEqual(body);
  });

  it('scores a text on a seeded mask of ⌈rate · n⌉ tokens', async () => {
    const body = scoreResponseSchema.parse((await post('/v1/score', { text: 'The cat sat on the mat today.', rate: 0.5, seed: 4 })).json());
    expect(body.masked).toHaveLength(Math.ceil(0.5 * body.tokens));
    const again = scoreResponseSchema.parse((await post('/v1/score', { text: 'The cat sat on the mat today.', rate: 0.5, seed: 4 })).json());
    expect(again.masked).toEqual(body.masked);
    const other = scoreResponseSchema.parse((await post('/v1/score', { text: 'The cat sat on the mat today.', rate: 0.5, seed: 5 })).json());
    expect(other.masked).not.toEqual(body.masked);
  });

  it('refuses a generate length above the token limit', async () => {
    const limited = await startTestServer({ listen: false, maxTokens: 16 });
    const response = await limited.server.app.inject({ method: 'POST', url: '/v1/generate', payload: { length: 17 } });
    expect(response.statusCode).toBe(400);
    expect(errorResponseSchema.parse(response.json()).message).toContain('limit of 16');
    await limited.close();
  });
});

describe('service routes', () => {
  it('GET /healthz', async () => {
    const response = await test.server.app.inject({ method: 'GET', url: '/healthz' });
    expect(healthResponseSchema.parse(response.json())).toEqual({ status: 'ok', model: 'fake', queueDepth: 0, active: 0 });
  });

  it('GET /metrics has requests, latency, tokens, queue depth and the tensor count', async () => {
    await post('/v1/infill', { text: 'x [MASK]', seed: 1 });
    const response = await test.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/maria_http_requests_total\{method="POST",route="\/v1\/infill",status="200"\} \d+/);
    expect(text).toMatch(/maria_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/v1\/infill"\}/);
    expect(text).toMatch(/maria_tokens_total\{kind="infill"\} \d+/);
    expect(text).toMatch(/maria_tokens_per_second\{kind="infill"\} [\d.e+-]+/);
    expect(text).toMatch(/^maria_queue_depth 0$/m);
    expect(text).toMatch(/^maria_tf_tensors 0$/m);
    expect(text).toMatch(/^maria_process_resident_memory_bytes \d+/m);
  });

  it('GET /openapi.json documents every route with schemas generated from zod', async () => {
    const document = (await test.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, { default?: unknown; maximum?: number }>; additionalProperties?: boolean }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(['/healthz', '/metrics', '/openapi.json', '/v1/generate', '/v1/infill', '/v1/score']);
    const infill = document.components.schemas.InfillRequest;
    expect(infill?.additionalProperties).toBe(false);
    expect(infill?.properties?.temperature?.default).toBe(1);
    expect(infill?.properties?.topP?.maximum).toBe(1);
    expect(document.components.schemas.InfillResponse?.properties).toHaveProperty('filled');
    expect(JSON.stringify(document)).not.toContain('$ref":"#/components/schemas/Missing');
    for (const ref of JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) {
      expect(document.components.schemas).toHaveProperty(ref[1] as string);
    }
  });

  it('serves the playground from this origin only (no CDN)', async () => {
    const page = await test.server.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    for (const url of ['/', '/playground.js', '/playground.css']) {
      const body = (await test.server.app.inject({ method: 'GET', url })).body;
      expect(body).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
      expect(body).not.toMatch(/import\s.*https?:/);
    }
    expect(page.body).toContain('<script src="/playground.js">');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await test.server.app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(response.statusCode).toBe(404);
    expect(errorResponseSchema.parse(response.json()).error).toBe('NotFound');
  });
});
