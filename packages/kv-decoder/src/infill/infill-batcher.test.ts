import * as tf from '@tensorflow/tfjs';
import { AbortedError, InvalidArgumentError, initEngine, sequencePassBackend, type ARChunk, type StepChunksOptions, type MariaModel } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfillBatcher } from './infill-batcher.js';
import { infill } from './infill.js';
import type { InfillOptions, InfillRequest, InfillResult, InfillToken } from './infill-types.js';
import { REQUESTS } from './infill.test-support.js';

/**
 * Largest difference between a fill's log-probability decoded alone and among others. On
 * wasm the batched products are bit-identical to one-row products (XNNPACK accumulates
 * each row in the same order whatever the rows; see backbones' stepChunks test).
 */
// All-wasm batching is bit-identical; where TensorFlow computes (the tensorflow engine, or the
// hybrid engine's MLM pass over the batched rows), its sums depend on the batch shape.
const logProbTolerance = () => (tf.getBackend() === 'wasm' && sequencePassBackend() === null ? 0 : 1e-4);

let model: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 7 });
});
afterAll(() => model.dispose());

/** A long request: its first chunk (20 inputs) is more rows than a host product takes in one call. */
const LONG: InfillRequest = { ids: Array.from({ length: 30 }, (_, i) => 300 + 7 * i), masked: [19, 20, 24, 29] };
const REQUESTS_AND_OPTIONS: [InfillRequest, InfillOptions][] = [
  [REQUESTS[0] as InfillRequest, { temperature: 0 }],
  [REQUESTS[1] as InfillRequest, { temperature: 1, seed: 4 }],
  [REQUESTS[2] as InfillRequest, { temperature: 0.8, topP: 0.9, seed: 5 }],
  [REQUESTS[3] as InfillRequest, { temperature: 1, topK: 20, seed: 6 }],
  [LONG, { temperature: 1, seed: 7 }],
];

function expectSameFill(batched: InfillResult, alone: InfillResult): void {
  expect(batched.ids).toEqual(alone.ids);
  expect(batched.masked).toEqual(alone.masked);
  expect(batched.method).toBe(alone.method);
  batched.filled.forEach((token, k) => {
    const expected = alone.filled[k] as InfillResult['filled'][number];
    expect({ index: token.index, id: token.id, piece: token.piece }).toEqual({ index: expected.index, id: expected.id, piece: expected.piece });
    expect(Math.abs(token.logProb - expected.logProb)).toBeLessThanOrEqual(logProbTolerance());
  });
}

describe('InfillBatcher: concurrent Algorithm-1 infills share decode steps', () => {
  it('gives each request what infill gives it alone (tokens, log-probabilities, stream), with different sampling options in one tick', async () => {
    const alone: InfillResult[] = [];
    const aloneStreams: InfillToken[][] = [];
    for (const [request, options] of REQUESTS_AND_OPTIONS) {
      const stream: InfillToken[] = [];
      alone.push(await infill(model, request, { ...options, onToken: (token) => stream.push(token) }));
      aloneStreams.push(stream);
    }
    const batcher = new InfillBatcher(model);
    const streams: InfillToken[][] = REQUESTS_AND_OPTIONS.map(() => []);
    const batched = await Promise.all(REQUESTS_AND_OPTIONS.map(([request, options], k) => batcher.infill(request, { ...options, onToken: (token) => streams[k]?.push(token) })));
    batched.forEach((result, k) => expectSameFill(result, alone[k] as InfillResult));
    streams.forEach((stream, k) => expect(stream.map(({ index, id, step }) => ({ index, id, step }))).toEqual(aloneStreams[k]?.map(({ index, id, step }) => ({ index, id, step }))));
    expect(batcher.stats.largestTick).toBe(REQUESTS_AND_OPTIONS.length);
    expect(batcher.stats.rows).toBe(REQUESTS_AND_OPTIONS.reduce((sum, [request]) => sum + request.masked.length, 0));
    expect(batcher.size).toBe(0);
    batcher.dispose();
  });

  it('lets a request join mid-flight, at another position, and leaves the running one unchanged', async () => {
    const batcher = new InfillBatcher(model);
    const first = LONG;
    const second = REQUESTS[2] as InfillRequest;
    let joined: Promise<InfillResult> | null = null;
    let sizeAtJoin = 0;
    const running = batcher.infill(first, {
      seed: 1,
      onToken: (token) => {
        if (token.step === 1) {
          joined = batcher.infill(second, { seed: 2, topP: 0.9 });
          sizeAtJoin = batcher.size;
        }
      },
    });
    const firstResult = await running;
    expect(joined).not.toBeNull();
    const secondResult = await (joined as unknown as Promise<InfillResult>);
    expect(sizeAtJoin).toBe(2);
    expect(batcher.stats.largestTick).toBe(2);
    expectSameFill(firstResult, await infill(model, first, { seed: 1 }));
    expectSameFill(secondResult, await infill(model, second, { seed: 2, topP: 0.9 }));
    batcher.dispose();
  });

  it('cancels one request at its next tick while the others go on', async () => {
    const batcher = new InfillBatcher(model);
    const controller = new AbortController();
    const cancelled = batcher.infill(LONG, { seed: 3, signal: controller.signal, onToken: (token) => (token.step === 1 ? controller.abort() : undefined) });
    const others = [REQUESTS[0], REQUESTS[2]].map((request, k) => batcher.infill(request as InfillRequest, { seed: 10 + k }));
    await expect(cancelled).rejects.toBeInstanceOf(AbortedError);
    const results = await Promise.all(others);
    for (const [k, request] of [REQUESTS[0], REQUESTS[2]].entries()) expectSameFill(results[k] as InfillResult, await infill(model, request as InfillRequest, { seed: 10 + k }));
    await expect(batcher.infill(REQUESTS[1] as InfillRequest, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    batcher.dispose();
  });

  it('fails only the request whose callback throws or whose step is refused; the others finish as alone', async () => {
    const batcher = new InfillBatcher(model);
    const ar = model.ar as { stepChunks: (chunks: readonly ARChunk[], options?: StepChunksOptions) => Float32Array[] };
    const original = ar.stepChunks;
    const poison = 999;
    ar.stepChunks = function (this: unknown, chunks, options) {
      if (chunks.some((chunk) => Array.from(chunk.ids).includes(poison))) throw new InvalidArgumentError('test chunk', poison, 'no poison');
      return original.call(this, chunks, options);
    };
    try {
      const caught = (promise: Promise<InfillResult>) => promise.then(() => null, (error: unknown) => error);
      const throwing = caught(
        batcher.infill(REQUESTS[0] as InfillRequest, {
          seed: 1,
          onToken: () => {
            throw new Error('client went away');
          },
        }),
      );
      const refused = caught(batcher.infill({ ids: [5, 6, poison, 8, 9], masked: [1, 4] }, { seed: 1 }));
      const badRequest = caught(batcher.infill({ ids: [5, model.vocabSize], masked: [0] }));
      const fine = batcher.infill(REQUESTS[3] as InfillRequest, { seed: 2 });
      expect(((await throwing) as Error).message).toBe('client went away');
      expect(await refused).toBeInstanceOf(InvalidArgumentError);
      expect(await badRequest).toBeInstanceOf(InvalidArgumentError);
      expectSameFill(await fine, await infill(model, REQUESTS[3] as InfillRequest, { seed: 2 }));
    } finally {
      ar.stepChunks = original;
    }
    batcher.dispose();
  });

  it('keeps tf.memory().numTensors flat across batches, cancellations included', async () => {
    const batcher = new InfillBatcher(model);
    const round = async () => {
      const controller = new AbortController();
      const cancelled = batcher.infill(LONG, { signal: controller.signal, onToken: () => controller.abort() }).catch((error: unknown) => error);
      await Promise.all([...REQUESTS.map((request, k) => batcher.infill(request, { seed: k })), cancelled]);
    };
    const before = tf.memory().numTensors;
    await round();
    await round();
    await round();
    expect(tf.memory().numTensors).toBe(before);
    batcher.dispose();
  });

  it('runs other methods as infill does, and refuses calls once disposed', async () => {
    const batcher = new InfillBatcher(model);
    const options: InfillOptions = { method: 'mlm', seed: 3 };
    expectSameFill(await batcher.infill(REQUESTS[0] as InfillRequest, options), await infill(model, REQUESTS[0] as InfillRequest, options));
    expect(InfillBatcher.supports(model)).toBe(true);
    batcher.dispose();
    await expect(batcher.infill(REQUESTS[0] as InfillRequest)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
