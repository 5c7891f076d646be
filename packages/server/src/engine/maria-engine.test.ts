import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel } from '@maria-ts/fusion-head/testing';
import { Maria } from '@maria-ts/maria';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProgressEventSchema, generateResponseSchema, infillResponseSchema, scoreResponseSchema } from '../response-schemas.js';
import { createServer, type MariaServer } from '../server.js';
import { parseEventStream, tinyTokenizer } from '../testing/test-server.js';
import { createMariaEngine } from './maria-engine.js';

let model: MariaModel;
let maria: Maria;
let server: MariaServer;
beforeAll(async () => {
  const engine = await initEngine({ engine: 'wasm', threads: 1 });
  model = createRandomMariaModel({ tokenizer: await tinyTokenizer(), seed: 3 });
  maria = new Maria(model, engine, 'random');
  server = await createServer({ engine: createMariaEngine(maria), maxBatch: 4, seed: 0 });
});
afterAll(() => server.shutdown({ graceMs: 0 }));

const post = (url: string, payload: object) => server.app.inject({ method: 'POST', url, payload });

/** Greedy Algorithm 1 the slow, independent way: full forwards and the head at each masked position, left to right. */
function referenceGreedy(ids: number[], masked: number[]): number[] {
  const tilde = ids.map((id, index) => (masked.includes(index) ? model.maskTokenId : id));
  const current = [...tilde];
  for (const position of masked) {
    const logits = tf.tidy(() => model.logitsAt(model.alignedStates(tf.tensor2d([current], undefined, 'int32'), tf.tensor2d([tilde], undefined, 'int32')), [position]));
    current[position] = (logits.argMax(1).dataSync() as Int32Array)[0] as number;
    logits.dispose();
  }
  return current;
}

describe('the MARIA engine behind the server (random tiny model)', () => {
  it('greedy infill over HTTP equals the uncached reference', async () => {
    const ids = [464, 3797, 3332, 319, 262, 2603, 13, 383, 3290];
    const masked = [1, 2, 5, 8];
    const body = infillResponseSchema.parse((await post('/v1/infill', { ids, masked, temperature: 0 })).json());
    expect(body.tokens).toEqual(referenceGreedy(ids, masked));
    expect(body.tokens.filter((_, index) => !masked.includes(index))).toEqual(ids.filter((_, index) => !masked.includes(index)));
  });

  it('a request gives the same tokens alone and in a batch', async () => {
    const texts = ['The [MASK] sat on the [MASK].', 'A [MASK] day for a [MASK] walk.', 'Once [MASK] a time there [MASK] a king.'];
    const alone = [];
    for (const [index, text] of texts.entries()) alone.push(infillResponseSchema.parse((await post('/v1/infill', { text, seed: index, tokensPerMask: 2, topP: 0.9 })).json()));
    const before = maria.fillStats;
    const batched = await Promise.all(texts.map((text, index) => post('/v1/infill', { text, seed: index, tokensPerMask: 2, topP: 0.9 })));
    expect(batched.map((response) => infillResponseSchema.parse(response.json()))).toEqual(alone);
    const after = maria.fillStats;
    expect(after.rows - before.rows).toBe(3 * 2 * 2); // every filled position of the three requests
    expect(after.ticks - before.ticks).toBeLessThan(after.rows - before.rows); // decode steps were shared
  });

  it('scores with the exact masked NLL: one AR and one MLM pass, log-softmax at the masked positions', async () => {
    const text = 'The cat sat on the mat and looked out of the window.';
    const body = scoreResponseSchema.parse((await post('/v1/score', { text, rate: 0.3, seed: 9 })).json());
    const ids = model.tokenizer.encode(text);
    const tilde = ids.map((id, index) => (body.masked.includes(index) ? model.maskTokenId : id));
    const expected = tf.tidy(() => {
      const logits = model.logitsAt(model.alignedStates(tf.tensor2d([ids], undefined, 'int32'), tf.tensor2d([tilde], undefined, 'int32')), body.masked);
      const logProbabilities = tf.logSoftmax(logits).arraySync() as number[][];
      return body.masked.reduce((sum, position, row) => sum - (logProbabilities[row]?.[ids[position] as number] as number), 0);
    });
    expect(body.negativeLogLikelihood).toBeCloseTo(expected, 3);
    expect(body.perplexity).toBeCloseTo(Math.exp(expected / body.masked.length), 1);
    expect(body.masked).toHaveLength(Math.ceil(0.3 * ids.length));
  });

  it('generates by annealing and streams every iteration', async () => {
    const events = parseEventStream((await post('/v1/generate', { length: 12, iterations: 3, seed: 5, stream: true })).body);
    expect(events.map((event) => event.event)).toEqual(['progress', 'progress', 'progress', 'progress', 'done']);
    const progress = events.slice(0, -1).map((event) => generateProgressEventSchema.parse(event.data));
    expect(progress.map((event) => event.iteration)).toEqual([0, 1, 2, 3]);
    expect(progress.at(-1)?.temperature).toBe(0);
    const done = generateResponseSchema.parse(events.at(-1)?.data);
    expect(done.tokens).toHaveLength(12);
    expect(done.text).toBe(progress.at(-1)?.text);
  });

  it('keeps tf.memory().numTensors flat across requests, cancellations included, and reports it', async () => {
    await post('/v1/infill', { text: 'warm [MASK] up', seed: 1 });
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      await post('/v1/infill', { text: 'The [MASK] and the [MASK].', seed: round, tokensPerMask: 3 });
      await post('/v1/score', { text: 'One two three four five.', seed: round });
      await post('/v1/generate', { length: 6, iterations: 1, seed: round });
    }
    const impatient = await createServer({ engine: createMariaEngine(model), timeoutMs: 1 });
    const timedOut = await impatient.app.inject({ method: 'POST', url: '/v1/infill', payload: { text: '[MASK] '.repeat(40), seed: 1 } });
    expect(timedOut.statusCode).toBe(504);
    await impatient.app.close(); // not shutdown(): that would dispose of the shared model
    expect(tf.memory().numTensors).toBe(before);
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`maria_tf_tensors ${tf.memory().numTensors}`);
  });
});
