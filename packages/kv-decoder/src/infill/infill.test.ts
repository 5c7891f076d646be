import * as tf from '@tensorflow/tfjs';
import { AbortedError, InputTooLongError, InvalidArgumentError, UnknownNameError, initEngine } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import type { MariaModel } from '@maria-ts/core';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSampler } from '../sampling/sample-token.js';
import { cachedDecode, type Decision } from './cached-decode.js';
import { DECODE_TURN_INTERVAL_MS, infill, infillStream, pacedTurns } from './infill.js';
import { specialTokenIds } from './infill-decoder.js';
import { prepareRows } from './infill-row.js';
import type { InfillMethod, InfillToken } from './infill-types.js';
import { naiveArGreedy, naiveMariaGreedy, naiveMlmGreedy, REQUESTS } from './infill.test-support.js';

let model: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 7, withDiffusion: true });
});
afterAll(() => model.dispose());

const GREEDY = { temperature: 0 } as const;
const METHODS: InfillMethod[] = ['maria', 'mlm', 'diffusion', 'ar'];

describe('Algorithm 1 (maria)', () => {
  it('never fills a special token, even from a head that prefers [MASK] and BOS above everything', async () => {
    const banned = specialTokenIds(model);
    expect(banned).toEqual(expect.arrayContaining([model.maskTokenId, model.ar.bosTokenId]));
    const { bias } = model.head.variables();
    const original = bias.clone();
    try {
      bias.assign(tf.tidy(() => tf.add(original, tf.scatterND([[model.maskTokenId], [model.ar.bosTokenId]], [1e4, 1e4], [model.vocabSize]))));
      for (const method of METHODS) {
        for (const request of REQUESTS) {
          const result = await infill(model, request, { method, temperature: 1, seed: 3 });
          for (const position of request.masked) expect(banned).not.toContain(result.ids[position]);
        }
      }
      const greedy = await infill(model, REQUESTS[0] as (typeof REQUESTS)[0], GREEDY);
      expect(greedy.ids).toEqual(naiveMariaGreedy(model, REQUESTS[0] as (typeof REQUESTS)[0]));
    } finally {
      bias.assign(original);
      original.dispose();
    }
  });

  it('greedy fills equal a naive reference that runs full uncached forwards for every masked position', async () => {
    for (const request of REQUESTS) {
      const result = await infill(model, request, GREEDY);
      expect(result.ids).toEqual(naiveMariaGreedy(model, request));
    }
  });

  it('reads exactly the AR states h_AR(i-1) of a full forward at every masked position, batched over different lengths and alone (1e-4)', () => {
    for (const requests of [REQUESTS, ...REQUESTS.map((request) => [request])]) {
      const rows = prepareRows(model, requests, 0);
      const seen: { decisions: Decision[]; states: number[][] }[] = [];
      const steps = cachedDecode(model, rows, { sampler: createTokenSampler(GREEDY), diffusionSteps: 1 }, () => ({
        logits: (hAR, decisions) => {
          const width = hAR.length / decisions.length;
          seen.push({ decisions: [...decisions], states: decisions.map((_, k) => Array.from(hAR.subarray(k * width, (k + 1) * width))) });
          return Float32Array.from({ length: decisions.length * model.vocabSize }, (_, j) => Math.sin(j + seen.length));
        },
        dispose: () => undefined,
      }));
      let calls = 0;
      for (const chosen of steps) calls += chosen.length > 0 ? 1 : 0;
      const union = new Set(requests.flatMap((request) => request.masked));
      expect(calls).toBe(union.size); // one decoder call per masked position of the batch
      rows.forEach((row, b) => {
        const full = model.arStates(tf.tensor2d([Array.from(row.tokens)], undefined, 'int32'));
        const fullRows = full.arraySync()[0] as number[][];
        full.dispose();
        for (const position of row.masked) {
          const at = seen.find((call) => call.decisions.some((decision) => decision.row === b && decision.index === position));
          expect(at).toBeDefined();
          const k = at!.decisions.findIndex((decision) => decision.row === b && decision.index === position);
          expect(at!.states[k]).toHaveLength(model.ar.info.hiddenSize);
          expectTensorClose(at!.states[k] as number[], fullRows[position] as number[], { atol: 1e-4, rtol: 1e-4 });
        }
      });
    }
  });

  it('feeds each filled token with the unmasked run after it as one chunk: |M| decoder calls, nothing after the last mask', async () => {
    const request = { ids: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14], masked: [2, 3, 6] };
    const calls: number[] = [];
    const original = model.ar.step.bind(model.ar);
    model.ar.step = (ids, cache, options) => {
      calls.push(ids.shape[1]);
      return original(ids, cache, options);
    };
    const originalChunks = model.ar.stepChunks; // a single sequence on a host-step backbone goes through stepChunks
    if (originalChunks) {
      model.ar.stepChunks = (chunks, options) => {
        calls.push(...chunks.map((chunk) => chunk.ids.length));
        return originalChunks.call(model.ar, chunks, options);
      };
    }
    try {
      await infill(model, request, GREEDY);
    } finally {
      model.ar.step = original;
      if (originalChunks) model.ar.stepChunks = originalChunks;
    }
    // [BOS, x0, x1] → fill 2; [x2] → fill 3; [x3, x4, x5] → fill 6; stop
    expect(calls).toEqual([3, 1, 3]);
  });
});

describe('infill, every method', () => {
  it.each(METHODS)('%s: greedy equals its naive reference where one exists, and never changes unmasked tokens', async (method) => {
    const naive = { maria: naiveMariaGreedy, mlm: naiveMlmGreedy, ar: naiveArGreedy, diffusion: undefined }[method];
    for (const request of REQUESTS) {
      const greedy = await infill(model, request, { ...GREEDY, method });
      if (naive) expect(greedy.ids).toEqual(naive(model, request));
      const sampled = await infill(model, request, { method, seed: 3 });
      for (const result of [greedy, sampled]) {
        expect(result.method).toBe(method);
        expect(result.masked).toEqual([...request.masked].sort((a, b) => a - b));
        result.ids.forEach((id, i) => {
          if (!request.masked.includes(i)) expect(id).toBe(request.ids[i]);
          else expect(id >= 0 && id < model.vocabSize).toBe(true);
        });
        expect(result.filled.map((token) => token.index)).toEqual(result.masked);
        for (const token of result.filled) {
          expect(token.id).toBe(result.ids[token.index]);
          expect(token.piece).toBe(model.tokenizer.decode([token.id]));
        }
      }
    }
  });

  it.each(METHODS)('%s: a batch of different lengths and mask patterns equals one-by-one (greedy and seeded sampling)', async (method) => {
    const seeded = REQUESTS.map((request, k) => ({ ...request, seed: 100 + k }));
    for (const options of [{ ...GREEDY, method }, { method, topK: 50 }]) {
      const batch = await infill(model, seeded, options);
      const alone = [];
      for (const request of seeded) alone.push(await infill(model, request, options));
      expect(batch.map((result) => result.ids)).toEqual(alone.map((result) => result.ids));
    }
  });

  it.each(METHODS)('%s: a seed reproduces the sampled fills; another seed changes them', async (method) => {
    const request = { ids: Array.from({ length: 16 }, (_, i) => 200 + i), masked: [1, 2, 3, 5, 8, 9, 12, 15] };
    const first = await infill(model, request, { method, seed: 11, temperature: 1.5 });
    const again = await infill(model, request, { method, seed: 11, temperature: 1.5 });
    const other = await infill(model, request, { method, seed: 12, temperature: 1.5 });
    expect(again.ids).toEqual(first.ids);
    expect(other.ids).not.toEqual(first.ids);
  });

  it.each(METHODS)('%s: streams the same tokens as the batch call, through the iterator and the callback', async (method) => {
    const options = { method, seed: 5, topP: 0.9 };
    const results = await infill(model, REQUESTS, options);
    const streamed: InfillToken[] = [];
    const called: InfillToken[] = [];
    for await (const token of infillStream(model, REQUESTS, { ...options, onToken: (token) => called.push(token) })) streamed.push(token);
    expect(called).toEqual(streamed);
    results.forEach((result, r) => {
      const mine = streamed.filter((token) => token.request === r).sort((a, b) => a.index - b.index);
      expect(mine.map(({ index, id, piece, logProb }) => ({ index, id, piece, logProb }))).toEqual(result.filled);
    });
    const steps = streamed.map((token) => token.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it.each(METHODS)('%s: the tensor count is flat across decode steps and across 100 infills', async (method) => {
    const request = { ids: Array.from({ length: 24 }, (_, i) => 300 + i), masked: [0, 3, 4, 9, 10, 11, 17, 23] };
    const counts: number[] = [];
    await expectNoTensorLeak(() => infill(model, request, { method, seed: 1, onToken: () => counts.push(tf.memory().numTensors) }));
    expect(Math.max(...counts) - Math.min(...counts)).toBe(0);
    const before = tf.memory().numTensors;
    const short = { ids: [1, 2, 3, 4, 5, 6], masked: [1, 4] };
    for (let k = 0; k < 100; k++) {
      await infill(model, short, { method, seed: k });
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('diffusion', () => {
  const request = { ids: Array.from({ length: 16 }, (_, i) => 200 + i), masked: [1, 2, 3, 5, 8, 9, 12, 15] };

  it('takes min(steps, |M|) steps, each unmasking a share of the still-masked positions', async () => {
    for (const [steps, expected] of [[3, [3, 2, 3]], [256, [1, 1, 1, 1, 1, 1, 1, 1]], [8, [1, 1, 1, 1, 1, 1, 1, 1]]] as const) {
      const perStep: number[] = [];
      await infill(model, request, { method: 'diffusion', diffusionSteps: steps, onToken: (token) => void (perStep[token.step] = (perStep[token.step] ?? 0) + 1) });
      expect(perStep).toEqual(expected);
    }
  });

  it('with one step and greedy sampling, fills every masked position with the encoder argmax of one pass over x̃', async () => {
    const result = await infill(model, request, { method: 'diffusion', diffusionSteps: 1, ...GREEDY });
    const maskedTilde = request.ids.map((id, i) => (request.masked.includes(i) ? model.maskTokenId : id));
    const expected = tf.tidy(() => {
      const hidden = model.mlmStates(tf.tensor2d([maskedTilde], undefined, 'int32'), model.diffusion);
      const logits = model.diffusion!.project(hidden).slice([0, 0, 0], [1, request.ids.length, model.vocabSize]);
      return logits.argMax(-1).arraySync() as number[][];
    })[0]!;
    expect(result.filled.map((token) => token.id)).toEqual(request.masked.map((i) => expected[i]));
    expect(result.encoder).toBe('diffusion');
  });

  it('uses the MLM and says so when the model has no diffusion encoder', async () => {
    const plain = createRandomMariaModel({ tokenizer: model.tokenizer, seed: 7 });
    try {
      const result = await infill(plain, request, { method: 'diffusion', seed: 2 });
      expect(result.encoder).toBe('mlm');
    } finally {
      plain.dispose();
    }
  });
});

describe('cancellation', () => {
  it.each(METHODS)('%s: aborting mid-decode rejects with AbortedError and frees every tensor', async (method) => {
    const controller = new AbortController();
    const request = { ids: Array.from({ length: 12 }, (_, i) => 400 + i), masked: [1, 3, 5, 7, 9] };
    let seen = 0;
    const before = tf.memory().numTensors;
    await expect(
      infill(model, request, {
        method,
        diffusionSteps: 5,
        signal: controller.signal,
        onToken: () => {
          if (++seen === 2) controller.abort();
        },
      }),
    ).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    expect(seen).toBeLessThan(5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an abort from a timer stops a running decode within about DECODE_TURN_INTERVAL_MS of decoding (the loop yields to the event loop)', async () => {
    const controller = new AbortController();
    const request = { ids: Array.from({ length: 40 }, (_, i) => 400 + i), masked: Array.from({ length: 20 }, (_, i) => 2 * i) };
    let seen = 0;
    // Each step made to take ≥ 2 ms, so the 20 steps take ≥ 40 ms: four intervals at least.
    const slowStep = () => {
      seen++;
      const start = performance.now();
      while (performance.now() - start < 2);
    };
    const running = infill(model, request, { signal: controller.signal, onToken: slowStep });
    setTimeout(() => controller.abort(), 0);
    await expect(running).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    expect(seen).toBeLessThanOrEqual(Math.ceil(DECODE_TURN_INTERVAL_MS / 2) + 2);
  });

  it('pacedTurns: a full event-loop turn on the first call and once per interval, nothing to wait for in between', async () => {
    const ranTimer = async (turn: () => Promise<void> | undefined) => {
      let ran = false;
      setImmediate(() => (ran = true));
      await turn();
      return ran;
    };
    const paced = pacedTurns(60_000);
    expect(await ranTimer(paced)).toBe(true);
    expect(paced()).toBeUndefined();
    expect(await ranTimer(paced)).toBe(false);
    expect(await ranTimer(paced)).toBe(false);
    const every = pacedTurns(0);
    expect([await ranTimer(every), await ranTimer(every), await ranTimer(every)]).toEqual([true, true, true]);
    await new Promise((resolve) => setImmediate(resolve)); // the immediates the paced calls left pending
  });

  it('an already aborted signal fails before any work; breaking out of a stream frees its tensors', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(infill(model, REQUESTS[0]!, { signal: controller.signal })).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    const before = tf.memory().numTensors;
    const first: InfillToken[] = [];
    for await (const token of infillStream(model, REQUESTS, { seed: 1 })) {
      first.push(token);
      break;
    }
    expect(first).toMatchObject([{ request: 1, index: 0, step: 0 }]); // position 0 is masked only in request 1
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('input checks', () => {
  it('throws InputTooLongError past maxLength, before any tensor work', async () => {
    const request = { ids: Array.from({ length: 20 }, (_, i) => i + 1), masked: [3] };
    const before = tf.memory().numTensors;
    await expect(infill(model, request, { maxLength: 16 })).rejects.toSatisfy((error: unknown) => InputTooLongError.isInstance(error));
    await expect(infill(model, [REQUESTS[0]!, request], { maxLength: 16 })).rejects.toThrow(/infill request 1 has 20 tokens, more than the maximum of 16/);
    expect(tf.memory().numTensors).toBe(before);
    await expect(infill(model, request, { maxLength: 20 })).resolves.toBeDefined();
  });

  it.each([
    [{ ids: [], masked: [] }, /ids/],
    [{ ids: [1, 2, 3], masked: [3] }, /masked/],
    [{ ids: [1, 2, 3], masked: [1, 1] }, /masked/],
    [{ ids: [1, 2, 3], masked: [-1] }, /masked/],
    [{ ids: [1, 99999, 3], masked: [0] }, /id at position 1/],
    [{ ids: [1, 2.5, 3], masked: [0] }, /id at position 1/],
  ])('rejects a bad request %j with InvalidArgumentError', async (request, message) => {
    await expect(infill(model, request)).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error) && message.test((error as Error).message));
  });

  it('rejects bad options and unknown methods with typed errors listing the known methods', async () => {
    await expect(infill(model, REQUESTS[0]!, { temperature: -1 })).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error));
    await expect(infill(model, REQUESTS[0]!, { method: 'diffusion', diffusionSteps: 0 })).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error));
    await expect(infill(model, REQUESTS[0]!, { method: 'beam' as InfillMethod })).rejects.toSatisfy(
      (error: unknown) => UnknownNameError.isInstance(error) && /known: maria, mlm, diffusion, ar/.test((error as Error).message),
    );
  });

  it('returns a request without masks unchanged', async () => {
    const result = await infill(model, { ids: [4, 5, 6], masked: [] });
    expect(result).toMatchObject({ ids: [4, 5, 6], masked: [], filled: [] });
  });
});
