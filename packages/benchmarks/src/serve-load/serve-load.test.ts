import { initEngine } from '@maria-ts/core';
import { createRandomMariaModel } from '@maria-ts/fusion-head/testing';
import { loadTinyTokenizer } from '@maria-ts/model-tiny';
import { createMariaEngine, createServer } from '@maria-ts/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { runServeLoad } from './run-serve-load.js';

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
});

describe('maria-bench serve-load (a 2-second version of the 60-second run)', () => {
  it('has no errors, reports latency and throughput, and leaves the tensor count where it was', { timeout: 60_000 }, async () => {
    const engine = createMariaEngine(createRandomMariaModel({ tokenizer: await loadTinyTokenizer(), seed: 0 }), { name: 'random' });
    const report = await runServeLoad({ startServer: (limits) => createServer({ engine, ...limits, seed: 0 }), model: engine.name, connections: 8, durationSeconds: 2, warmupRequests: 2, body: { text: 'The [MASK] sat on the [MASK].', temperature: 0.8 } });
    expect(report.requests.errors).toBe(0);
    expect(report.requests.rejected).toBe(0); // 8 clients never fill a queue of 32
    expect(report.requests.ok).toBeGreaterThan(0);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(report.tokensPerSecond).toBeGreaterThan(0);
    expect(report.meanBatchSize).toBeGreaterThanOrEqual(1);
    expect(report.tensors.after).toBe(report.tensors.before);
  });
});
