import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import type { MariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runThroughputBench, throughputRatios, throughputRequest, type ThroughputRow } from './throughput-benchmark.js';

let model: MariaModel;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 4 });
}, 120_000);

afterAll(() => model.dispose());

describe('throughput benchmark', () => {
  it('masks exactly round(rate · length) distinct positions of a sequence without special tokens', () => {
    const special = new Set(Object.values(model.tokenizer.specialTokens));
    for (const [length, rate, expected] of [[64, 0.5, 32], [7, 0.5, 4], [10, 0.01, 1], [5, 1, 5]] as const) {
      const request = throughputRequest(model, length, rate, 1);
      expect(request.ids).toHaveLength(length);
      expect(new Set(request.masked).size).toBe(expected);
      expect(request.masked.every((i) => i >= 0 && i < length)).toBe(true);
      expect(request.ids.some((id) => special.has(id))).toBe(false);
    }
    expect(throughputRequest(model, 32, 0.5, 1)).toEqual(throughputRequest(model, 32, 0.5, 1));
  });

  it('reports masked tokens over the median of the timed runs, after the warm-up runs', async () => {
    const ticks = [0, 1000, 1000, 3000, 3000, 3500]; // timed runs of 1 s, 2 s and 0.5 s → median 1 s
    let calls = 0;
    const measured: string[] = [];
    const rows = await runThroughputBench(model, {
      lengths: [10],
      maskRate: 0.5,
      methods: ['maria'],
      runs: 3,
      warmup: 2,
      diffusionSteps: 256,
      now: () => ticks[calls++] as number,
      onMeasure: (method, length) => measured.push(`${method}@${length}`),
    });
    expect(calls).toBe(6);
    expect(measured).toEqual(['maria@10']);
    expect(rows).toEqual([{ method: 'maria', length: 10, tokensPerSecond: 5, seconds: 1, maskedTokens: 5, decoderCalls: 5, runs: 3 }]);
  });

  it('computes MARIA over each baseline per length', () => {
    const row = (method: ThroughputRow['method'], length: number, tokensPerSecond: number) => ({ method, length, tokensPerSecond, seconds: 1, maskedTokens: 1, decoderCalls: 1, runs: 1 });
    expect(throughputRatios([row('maria', 64, 100), row('mlm', 64, 4), row('diffusion', 64, 50), row('maria', 128, 90), row('mlm', 128, 3)])).toEqual([
      { length: 64, baseline: 'mlm', mariaOverBaseline: 25 },
      { length: 64, baseline: 'diffusion', mariaOverBaseline: 2 },
      { length: 128, baseline: 'mlm', mariaOverBaseline: 30 },
    ]);
  });
});
