import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponseSchema } from './response-schemas.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer({ listen: false, maxTokens: 256 });
});
afterAll(() => test.close());

const FIELDS = ['text', 'ids', 'masked', 'tokensPerMask', 'temperature', 'topK', 'topP', 'seed', 'stream', 'length', 'iterations', 'remask', 'schedule', 'rate'];

/** Values near every limit and of every JSON type, so a field gets both sensible and hostile input. */
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, 1, -1, 0.5, 1.0000001, 2 ** 32, 2 ** 53, -0, 1e308, 16, 17, 1024, 1025, 8189, 8190, 8191, 8192, true, false, null, '', 'linear', 'cosine'),
  fc.string({ maxLength: 40 }).map((text) => `${text}[MASK]${text}`),
  fc.array(fc.integer({ min: -2, max: 9000 }), { maxLength: 12 }),
  fc.array(fc.constantFrom('[MASK]', ' ', 'a', 'é', '\u0000', '<|endoftext|>', '\ud800', '[MASK'), { maxLength: 12 }).map((parts) => parts.join('')),
);

/** Objects built from the API's own field names (plus strangers), the likeliest to reach deep code. */
const shapedBody = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), value, { maxKeys: 6 }).map((body) => JSON.stringify(body));

const body = fc.oneof(
  { weight: 6, arbitrary: shapedBody },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset="UTF-8"') },
);

describe('fuzzing the request schemas', () => {
  it('10,000 generated requests: never a 500, every error a JSON body without a stack trace', { timeout: 240_000 }, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/infill', '/v1/generate', '/v1/score'), body, contentType, async (url, payload, type) => {
        const response = await test.server.app.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) {
          errorResponseSchema.parse(response.json());
          expect(response.body).not.toMatch(/\n\s+at |node_modules/);
        }
      }),
      { numRuns: 10_000, seed: 20_251_123 },
    );
    // The generators must reach the model, not only bounce off the schema.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1000);
    expect(test.server.scheduler.depth).toBe(0);
  });
});
