import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from './schemas.js';
import { errorResponseSchema, infillResponseSchema } from './response-schemas.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

const TOKEN = 'test-token-123';
let live: TestServer;
beforeAll(async () => {
  live = await startTestServer({ token: TOKEN, maxTokens: 64 });
});
afterAll(() => live.close());

/** Sends raw bytes, so a body can be invalid JSON or invalid UTF-8 exactly as given. */
function send(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const url = new URL(path, live.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const json = (value: unknown) => JSON.stringify(value);

/** The bad-input table the server answers with 4xx, plus neighbours; each row: what is sent and the 4xx it gets. */
const rows: { name: string; path?: string; body: Buffer | string; headers?: Record<string, string>; status: number; error: string }[] = [
  { name: 'invalid JSON', body: '{"text": "a [MASK]"', status: 400, error: 'InvalidJson' },
  { name: 'an empty body', body: '', status: 400, error: 'InvalidJson' },
  { name: 'a wrong type', body: json({ text: 42 }), status: 400, error: 'InvalidRequest' },
  { name: 'a JSON array instead of an object', body: json(['a [MASK]']), status: 400, error: 'InvalidRequest' },
  { name: 'missing [MASK]', body: json({ text: 'no marker here' }), status: 400, error: 'InvalidRequest' },
  { name: 'a 1 MB body', body: json({ text: `${'a'.repeat(1024 * 1024)} [MASK]` }), status: 413, error: 'BodyTooLarge' },
  { name: 'over-long text (characters)', body: json({ text: `${'a '.repeat(MAX_TEXT_CHARS / 2)}[MASK]` }), status: 400, error: 'InvalidRequest' },
  { name: 'over-long text (tokens, past --max-tokens)', body: json({ text: `${'word '.repeat(100)}[MASK]` }), status: 400, error: 'InvalidRequest' },
  { name: 'a negative temperature', body: json({ text: 'a [MASK]', temperature: -0.5 }), status: 400, error: 'InvalidRequest' },
  { name: 'top-p above 1', body: json({ text: 'a [MASK]', topP: 1.01 }), status: 400, error: 'InvalidRequest' },
  { name: 'an unknown field', body: json({ text: 'a [MASK]', temprature: 1 }), status: 400, error: 'InvalidRequest' },
  { name: 'a non-UTF-8 body', body: Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from(' [MASK]"}')]), status: 400, error: 'InvalidRequest' },
  { name: 'a non-UTF-8 charset', body: json({ text: 'a [MASK]' }), headers: { 'content-type': 'application/json; charset=latin1' }, status: 415, error: 'UnsupportedMediaType' },
  { name: 'a text/plain body', body: 'a [MASK]', headers: { 'content-type': 'text/plain' }, status: 415, error: 'UnsupportedMediaType' },
  { name: 'a __proto__ key', body: '{"text":"a [MASK]","__proto__":{"x":1}}', status: 400, error: 'InvalidJson' },
  { name: 'ids outside the vocabulary', body: json({ ids: [1, 999_999], masked: [0] }), status: 400, error: 'InvalidRequest' },
  { name: 'both text and ids', body: json({ text: 'a [MASK]', ids: [1], masked: [0] }), status: 400, error: 'InvalidRequest' },
  { name: 'a request with no token when a token is set', body: json({ text: 'a [MASK]' }), headers: { authorization: '' }, status: 401, error: 'Unauthorized' },
  { name: 'a wrong token', body: json({ text: 'a [MASK]' }), headers: { authorization: 'Bearer nope' }, status: 401, error: 'Unauthorized' },
  { name: 'a score rate of 1', path: '/v1/score', body: json({ text: 'hello there', rate: 1 }), status: 400, error: 'InvalidRequest' },
  { name: 'a text of special tokens only, to score', path: '/v1/score', body: json({ text: '<|endoftext|>' }), status: 400, error: 'InvalidRequest' },
  { name: 'an unknown schedule', path: '/v1/generate', body: json({ schedule: 'exponential' }), status: 400, error: 'InvalidRequest' },
];

describe('bad input against the live server', () => {
  it.each(rows)('$name → $status, a JSON error, and the server stays up', async (row) => {
    const response = await send(row.path ?? '/v1/infill', row.body, row.headers);
    expect(response.status).toBe(row.status);
    expect(response.headers['content-type']).toContain('application/json');
    const body = errorResponseSchema.parse(JSON.parse(response.text));
    expect(body.error).toBe(row.error);
    expect(response.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/); // no stack trace, no paths
    if (row.status === 401) expect(response.headers['www-authenticate']).toBe('Bearer');
    const health = await fetch(`${live.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('an error that quotes the request escapes terminal controls in its JSON (C1, DEL, bidi), and still parses to them', async () => {
    const key = 'x\u001b[2J\u009b31m\u007f\u202egnp.exe';
    const response = await send('/v1/infill', json({ text: 'a [MASK]', [key]: 1 }));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/u);
    expect(response.text).toContain('\\u202e');
    expect(errorResponseSchema.parse(JSON.parse(response.text)).message).toContain(key);
  });

  it('a valid request with the token still works after all of that', async () => {
    const response = await send('/v1/infill', json({ text: 'a [MASK]', seed: 1 }));
    expect(response.status).toBe(200);
    infillResponseSchema.parse(JSON.parse(response.text));
  });
});

describe('bearer token', () => {
  it('guards /metrics and /openapi.json, and leaves /healthz and the playground page open', async () => {
    expect((await fetch(`${live.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${live.url}/openapi.json`)).status).toBe(401);
    expect((await fetch(`${live.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${live.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${live.url}/`)).status).toBe(200);
    expect((await fetch(`${live.url}/playground.js`)).status).toBe(200);
    expect((await fetch(`${live.url}/v1/unknown`)).status).toBe(401); // unknown routes do not reveal themselves
  });
});
