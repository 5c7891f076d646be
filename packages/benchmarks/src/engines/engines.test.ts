import { describe, expect, it } from 'vitest';
import { configurationMetrics, engineRatios, mergeMetrics } from './engine-comparison.js';
import { parseEngineConfigurations } from './engine-configurations.js';

describe('maria-bench engines', () => {
  it('parses engine[:threads] configurations and refuses threads off wasm, bad counts and repeats', () => {
    expect(parseEngineConfigurations('wasm:1, wasm:2,tensorflow')).toEqual([
      { label: 'wasm-1', engine: 'wasm', threads: 1 },
      { label: 'wasm-2', engine: 'wasm', threads: 2 },
      { label: 'tensorflow', engine: 'tensorflow' },
    ]);
    expect(() => parseEngineConfigurations('tensorflow:2')).toThrow(/only with wasm/);
    expect(() => parseEngineConfigurations('wasm:0')).toThrow(/positive whole thread count/);
    expect(() => parseEngineConfigurations('wasm:1,wasm:1')).toThrow(/wasm-1 is repeated/);
    expect(() => parseEngineConfigurations(' , ')).toThrow(/--configs/);
  });

  it('lines metrics up across configurations and reports ratios to the baseline and last/middle', () => {
    const perConfiguration = new Map([
      ['wasm-1', configurationMetrics([{ op: 'matmul', impl: 'fast', threads: 1, gflops: 20, secondsPerRun: 0.1 }], [], [{ op: 'head-step-tiny-maria', batch: 8, length: 128, tokensPerSecond: 100, secondsPerRun: 10 }])],
      ['wasm-2', configurationMetrics([{ op: 'matmul', impl: 'fast', threads: 2, gflops: 40, secondsPerRun: 0.05 }], [], [])],
      ['tensorflow', configurationMetrics([{ op: 'matmul', impl: 'fast', threads: 0, gflops: 100, secondsPerRun: 0.02 }], [], [{ op: 'head-step-tiny-maria', batch: 8, length: 128, tokensPerSecond: 450, secondsPerRun: 2 }])],
    ]);
    const metrics = mergeMetrics(perConfiguration);
    expect(metrics).toEqual([
      { metric: 'ops matmul (fast)', unit: 'GFLOP/s', values: { 'wasm-1': 20, 'wasm-2': 40, tensorflow: 100 } },
      { metric: 'head-step-tiny-maria b8×128', unit: 'tokens/s', values: { 'wasm-1': 100, tensorflow: 450 } },
    ]);
    expect(engineRatios(metrics, ['wasm-1', 'wasm-2', 'tensorflow'])).toEqual([
      { metric: 'ops matmul (fast)', ratio: 'wasm-2 / wasm-1', value: 2 },
      { metric: 'ops matmul (fast)', ratio: 'tensorflow / wasm-1', value: 5 },
      { metric: 'ops matmul (fast)', ratio: 'tensorflow / wasm-2', value: 2.5 },
      { metric: 'head-step-tiny-maria b8×128', ratio: 'tensorflow / wasm-1', value: 4.5 },
    ]);
  });
});
