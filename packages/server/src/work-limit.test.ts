import { initEngine } from '@maria-ts/core';
import { createRandomMariaModel } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMariaEngine } from './engine/maria-engine.js';
import { measureWorkLimit, type WorkLimitMeasurement } from './engine/measure-work-limit.js';
import { generateWork, infillWork } from './http/request-work.js';
import { errorResponseSchema, generateResponseSchema, infillResponseSchema } from './response-schemas.js';
import { createServer, type MariaServer } from './server.js';
import { startTestServer, tinyTokenizer, type TestServer } from './testing/test-server.js';

const allPositions = (tokens: number) => Array.from({ length: tokens }, (_, index) => index);

describe('--max-work: a request asking for more work than the server accepts gets 422 before it queues', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer({ listen: false, maxWork: 486 });
  });
  afterAll(() => test.close());
  const post = (url: string, payload: object) => test.server.app.inject({ method: 'POST', url, payload });

  it('generate: length + iterations × ⌈remask · length⌉ decode steps (weighted by position), plus a quarter step per token of each pass', async () => {
    expect(generateWork(64, 8, 0.3)).toEqual({ work: 486, decodeSteps: 224, passTokens: 1024 });
    expect(generateResponseSchema.parse((await post('/v1/generate', { length: 64, iterations: 8, remask: 0.3, seed: 1 })).json()).tokens).toHaveLength(64);
    const refused = await post('/v1/generate', { length: 64, iterations: 9, remask: 0.3, seed: 1, stream: true });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/json'); // refused before a stream opens
    const body = errorResponseSchema.parse(refused.json());
    expect(body).toMatchObject({ error: 'TooMuchWork', limit: { work: 486, unit: 'decode steps' }, requested: { work: 539, decodeSteps: 244, passTokens: 1152 } });
    expect(body.message).toBe(
      "/v1/generate: this request asks for 539 decode steps of work (244 tokens decoded one by one, weighted by position, and 1152 read in full passes at 0.25 step each), more than this server's limit of 486 (--max-work); ask for fewer tokens, masks or iterations",
    );
  });

  it('infill: one step per masked position (weighted by position), plus a quarter step per token for the MLM pass and the AR read', async () => {
    const ids = Array.from({ length: 300 }, () => 464);
    const all = ids.map((_, index) => index);
    expect(infillWork(300, all).work).toBe(486);
    expect([infillWork(1000, [0]).work, infillWork(1000, [999]).work]).toEqual([501, 502]); // a step late in a long text attends to more
    expect(infillResponseSchema.parse((await post('/v1/infill', { ids, masked: all, seed: 1 })).json()).filled).toHaveLength(300);
    const refused = await post('/v1/infill', { ids: [...ids, 464], masked: [...all, 300], seed: 1 });
    expect(refused.statusCode).toBe(422);
    expect(errorResponseSchema.parse(refused.json())).toMatchObject({ error: 'TooMuchWork', limit: { work: 486 }, requested: { work: 488, decodeSteps: 301, passTokens: 602 } });
  });
});

describe('the measured limit on a real model: what is accepted finishes within the timeout', () => {
  const largestInfill = infillWork(1024, allPositions(1024)).work;
  let timeoutMs = 12_000;
  let server: MariaServer;
  let measured: WorkLimitMeasurement;
  beforeAll(async () => {
    await initEngine({ engine: 'wasm', threads: 1 });
    const engine = createMariaEngine(createRandomMariaModel({ tokenizer: await tinyTokenizer(), seed: 5 }), { name: 'random' });
    // The timeout comes from a first measurement, so that the largest infill the schema allows is
    // ~2.5 times the limit whatever this machine's speed (faster decoding raises the limit); at most 12 s.
    const probe = await measureWorkLimit(engine, { timeoutMs });
    timeoutMs = Math.min(timeoutMs, Math.round(0.8 * probe.msPerStep * largestInfill));
    measured = await measureWorkLimit(engine, { timeoutMs });
    server = await createServer({ engine, timeoutMs, maxWork: measured.maxWork, seed: 0 });
  }, 60_000);
  afterAll(() => server.shutdown({ graceMs: 0 }));
  const post = (url: string, payload: object) => server.app.inject({ method: 'POST', url, payload });

  it('refuses the largest requests the schema allows at once (1,024 ids all masked; generate 1,024 × 256 iterations)', async () => {
    expect(measured.budgetMs).toBe(timeoutMs / 2);
    expect(measured.maxWork).toBeLessThan(largestInfill);
    const ids = Array.from({ length: 1024 }, () => 464);
    const started = performance.now();
    const infill = await post('/v1/infill', { ids, masked: ids.map((_, index) => index), topP: 0.9 });
    const generate = await post('/v1/generate', { length: 1024, iterations: 256, remask: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect([infill.statusCode, generate.statusCode]).toEqual([422, 422]);
    expect(errorResponseSchema.parse(generate.json()).requested).toEqual(generateWork(1024, 256, 1));
  });

  it('the largest infill and generate it accepts each finish within the timeout', { timeout: 60_000 }, async () => {
    let tokens = 1024;
    while (infillWork(tokens, allPositions(tokens)).work > measured.maxWork) tokens--;
    const ids = Array.from({ length: tokens }, () => 464);
    let started = performance.now();
    const infill = await post('/v1/infill', { ids, masked: ids.map((_, index) => index), topP: 0.9, seed: 1 });
    const infillMs = performance.now() - started;
    expect(infill.statusCode).toBe(200);
    expect(infillMs).toBeLessThan(timeoutMs);
    // The most iterations whose work the limit admits (the work of 32 tokens alone is more than 32 steps: steps are weighted by position).
    let iterations = 256;
    while (iterations > 0 && generateWork(32, iterations, 0.3).work > measured.maxWork) iterations--;
    expect(iterations).toBeGreaterThan(0);
    started = performance.now();
    const generate = await post('/v1/generate', { length: 32, iterations, remask: 0.3, seed: 1 });
    const generateMs = performance.now() - started;
    expect(generate.statusCode).toBe(200);
    expect(generateMs).toBeLessThan(timeoutMs);
    console.info(`work limit ${measured.maxWork} steps (${measured.msPerStep.toFixed(1)} ms a step, budget ${measured.budgetMs} ms); infill of ${tokens} masked tokens ${infillMs.toFixed(0)} ms; generate 32 × ${iterations} iterations ${generateMs.toFixed(0)} ms`);
  });
});
