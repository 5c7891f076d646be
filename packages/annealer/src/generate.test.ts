import * as tf from '@tensorflow/tfjs';
import { AbortedError, initEngine } from '@maria-ts/core';
import { expectNoTensorLeak } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import type { MariaModel } from '@maria-ts/core';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { infill } from '@maria-ts/kv-decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateIteration } from './generate.js';
import { mariaResampler } from './infill-resampler.js';

let model: MariaModel;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 7, hiddenSize: 16, numLayers: 1 });
});
afterAll(() => model.dispose());

async function run(seed: number, extra: Partial<Parameters<typeof generate>[1]> = {}) {
  const events: GenerateIteration[] = [];
  const result = await generate(model, { length: 10, iterations: 3, seed, resampler: mariaResampler(model), onIteration: (event) => events.push(event), ...extra });
  return { result, events };
}

describe('generate (AR sample, then MARIA annealing)', () => {
  it('is deterministic per seed and differs across seeds', async () => {
    const first = await run(1);
    const again = await run(1);
    expect(again.result.tokens).toEqual(first.result.tokens);
    expect(again.events.map((event) => event.tokens)).toEqual(first.events.map((event) => event.tokens));
    expect((await run(2)).result.tokens).not.toEqual(first.result.tokens);
    expect(first.result.text).toBe(model.tokenizer.decode(first.result.tokens));
    expect(first.events.every((event) => event.text === model.tokenizer.decode(event.tokens))).toBe(true);
  });

  it('follows the linear schedule from 1 to 0, and its last iteration is greedy MARIA infill', async () => {
    const { result, events } = await run(3, { iterations: 4 });
    const expected = [1, 2 / 3, 1 / 3, 0];
    result.temperatures.forEach((temperature, k) => expect(temperature).toBeCloseTo(expected[k] as number, 12));
    expect(result.temperatures).toHaveLength(4);
    expect(events[0]!.temperature).toBe(1);
    expect(events[4]!.temperature).toBe(0);
    const before = events[3] as GenerateIteration;
    const last = events[4] as GenerateIteration;
    const greedy = await infill(model, { ids: before.tokens, masked: last.positions }, { temperature: 0 });
    expect(last.tokens).toEqual(greedy.ids);
    expect(result.tokens).toEqual(last.tokens);
  });

  it('changes only the remasked positions, 30% of them, at each iteration', async () => {
    const { events } = await run(4, { length: 20, iterations: 5 });
    expect(events[0]!.positions).toEqual([]);
    for (let k = 1; k < events.length; k++) {
      const { positions, tokens } = events[k] as GenerateIteration;
      expect(positions).toHaveLength(6);
      const changed = tokens.flatMap((id, i) => (id !== events[k - 1]!.tokens[i] ? [i] : []));
      for (const position of changed) expect(positions).toContain(position);
    }
    const { mask, pad } = model.tokenizer.specialTokens;
    for (const event of events) expect(event.tokens.some((id) => id === mask || id === pad)).toBe(false);
  });

  it('keeps the tensor count flat across iterations and frees everything', async () => {
    const counts: number[] = [];
    await expectNoTensorLeak(() => run(5, { iterations: 6, onIteration: () => counts.push(tf.memory().numTensors) }));
    expect(counts).toHaveLength(7);
    expect(new Set(counts).size).toBe(1);
  });

  it('at T=0 with 0% remask returns x⁰ unchanged', async () => {
    const { result, events } = await run(6, { remaskFraction: 0, schedule: 'greedy' });
    expect(result.tokens).toEqual(events[0]!.tokens);
    expect(result.temperatures).toEqual([0, 0, 0]);
  });

  it('stops with a typed error when aborted mid-run, leaking nothing', async () => {
    const controller = new AbortController();
    await expectNoTensorLeak(async () => {
      const running = run(7, { iterations: 5, signal: controller.signal, onIteration: (event) => event.iteration === 1 && controller.abort() });
      await expect(running).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    });
  });

  it('rejects an unknown schedule name with the known ones', async () => {
    await expect(run(8, { schedule: 'exp' })).rejects.toThrow(/known: linear, cosine, greedy/);
  });
});
