import { initEngine, InvalidArgumentError } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBenchDecode } from './run-bench-decode.js';

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
});

const tiny = { layers: 1, hidden: 16, heads: 2, keyValueHeads: 2, intermediate: 24, vocab: 50, steps: 6, repeats: 3, withLogits: true, seed: 1, engine: 'wasm' };

describe('runBenchDecode', () => {
  it('reports one row per prompt length with the median of the repeats', async () => {
    const report = await runBenchDecode({ ...tiny, family: 'llama', promptLengths: [4, 9], mergeRatio: 2, smallChunk: 0 });
    expect(report.model).toMatchObject({ model_type: 'llama', hidden_size: 16, num_hidden_layers: 1 });
    expect(report.rows.map((row) => row.promptLength)).toEqual([4, 9]);
    for (const row of report.rows) {
      expect(row.decodeTokensPerSecondAll).toHaveLength(3);
      expect(row.decodeTokensPerSecondMedian).toBe(row.decodeTokensPerSecondAll[1]);
      expect(row.decodeTokensPerSecondMedian).toBeGreaterThan(0);
    }
    // Binary-counter cache: a 4-token prefill then 6 steps ends as [8, 2]; a 9-token one as [9, 4, 2].
    expect(report.rows.map((row) => row.finalChunksPerLayer)).toEqual([2, 3]);
  });

  it('refuses an encoder family', async () => {
    await expect(runBenchDecode({ ...tiny, family: 'bert', promptLengths: [4] })).rejects.toThrowError(InvalidArgumentError);
  });
});
