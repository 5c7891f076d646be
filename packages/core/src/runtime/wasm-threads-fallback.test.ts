import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { expectTensorClose } from '../testing/index.js';
import { initEngine, shutdownEngine } from './engine.js';
import { resetLogOnce, setLogSink } from './log.js';
import { matMul } from './ops/index.js';
import { liveWasmThreadWorkers } from './wasm-threads.js';

/**
 * One process, several starts: each test starts wasm, checks it, and shuts it down so the
 * next one starts afresh. The thread counts are pinned here, so this file runs only in the
 * `core` project.
 */
describe('threaded wasm start: fallback, shutdown and restart', () => {
  let lines: string[] = [];
  let restoreSink: () => void = () => undefined;

  beforeEach(() => {
    lines = [];
    resetLogOnce();
    restoreSink = setLogSink((line) => lines.push(line));
  });
  afterEach(async () => {
    restoreSink();
    await shutdownEngine();
  });
  afterAll(() => {
    expect(liveWasmThreadWorkers()).toBe(0);
  });

  function expectWorkingMatmul(): void {
    tf.tidy(() => expectTensorClose(matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])), [[19, 22], [43, 50]], { atol: 0, rtol: 0 }));
  }

  it('falls back to one thread with one clear line when the start fails', async () => {
    const info = await initEngine({ engine: 'wasm', threads: 2, threadStartFault: 'error' });
    expect(info.threads).toBe(1);
    const fallback = lines.filter((line) => line.includes('falling back'));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toMatch(/^wasm threads: the 2-thread start failed \(.*ENOENT.*\); falling back to 1 thread$/);
    expect(lines.filter((line) => line.startsWith('engine '))).toEqual(['engine wasm (@tensorflow/tfjs-backend-wasm, 1 thread)']);
    expect(liveWasmThreadWorkers()).toBe(0);
    expectWorkingMatmul();
  });

  it('never hangs: a start that does not finish is cut off by its time box', async () => {
    const started = performance.now();
    const info = await initEngine({ engine: 'wasm', threads: 2, threadStartFault: 'hang', threadStartTimeoutMs: 800 });
    const seconds = (performance.now() - started) / 1000;
    expect(info.threads).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(0.75);
    expect(seconds).toBeLessThan(6);
    expect(lines.filter((line) => line.includes('falling back'))).toEqual(['wasm threads: the 2-thread start failed (the 2-thread start did not finish within 800 ms); falling back to 1 thread']);
    expect(liveWasmThreadWorkers()).toBe(0);
    expectWorkingMatmul();
  });

  it('takes the fault from MARIA_THREADS_FAULT too', async () => {
    const info = await initEngine({ engine: 'wasm', env: { MARIA_THREADS: '2', MARIA_THREADS_FAULT: 'error' } });
    expect(info.threads).toBe(1);
    expect(lines.filter((line) => line.includes('falling back'))).toHaveLength(1);
  });

  it('starts 2 threads after a shutdown, keeps the count for the process, and stops every worker on shutdown', async () => {
    const info = await initEngine({ engine: 'wasm', threads: 2 });
    expect(info.threads).toBe(2);
    expect(lines).toContain('engine wasm (@tensorflow/tfjs-backend-wasm, 2 threads)');
    // One pool thread besides the main thread; the other pre-started workers are stopped.
    expect(liveWasmThreadWorkers()).toBe(1);
    expectWorkingMatmul();
    const again = await initEngine({ engine: 'wasm', threads: 3 });
    expect(again.threads).toBe(2);
    expect(lines).toContain('wasm already runs on 2 threads in this process; 3 would need a new process');
    await shutdownEngine();
    expect(liveWasmThreadWorkers()).toBe(0);
  });
});
