import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { Rng } from '../rng.js';
import { expectTensorClose } from '../testing/index.js';
import { type EngineInfo, initEngine, shutdownEngine } from './engine.js';
import { resetLogOnce, setLogSink } from './log.js';
import { linear, matMul } from './ops/index.js';
import { liveWasmThreadWorkers, MAX_WASM_THREADS, resolveThreadCount, resolveThreadStartFault, THREADS_ENV_VAR } from './wasm-threads.js';
import { hasThreadPoolSwitch, withThreadPool } from './thread-pool-switch.js';

/** float32 sums of ~100 products of O(1) values against a float64 reference. */
const FLOAT32_DOT = { atol: 1e-4, rtol: 1e-4 };

describe('resolveThreadCount', () => {
  const eight = () => 8;

  it('takes the option over MARIA_THREADS, and MARIA_THREADS over auto', () => {
    expect(resolveThreadCount(3, { [THREADS_ENV_VAR]: '2' }, eight)).toEqual({ threads: 3, requested: 3 });
    expect(resolveThreadCount(undefined, { [THREADS_ENV_VAR]: '2' }, eight)).toEqual({ threads: 2, requested: 2 });
    expect(resolveThreadCount(undefined, {}, () => 6)).toEqual({ threads: 6, requested: 6 });
    expect(resolveThreadCount(undefined, { [THREADS_ENV_VAR]: ' ' }, () => 3)).toEqual({ threads: 3, requested: 3 });
  });

  it('reads auto and numeric strings, as a CLI flag passes them', () => {
    expect(resolveThreadCount('auto', {}, () => 4).threads).toBe(4);
    expect(resolveThreadCount('AUTO', {}, () => 4).threads).toBe(4);
    expect(resolveThreadCount(' 2 ', {}, eight).threads).toBe(2);
    expect(resolveThreadCount(undefined, { [THREADS_ENV_VAR]: 'auto' }, () => 5).threads).toBe(5);
  });

  it(`caps at ${MAX_WASM_THREADS} threads and keeps the request`, () => {
    expect(resolveThreadCount('auto', {}, () => 64)).toEqual({ threads: MAX_WASM_THREADS, requested: 64 });
    expect(resolveThreadCount(12, {}, eight)).toEqual({ threads: MAX_WASM_THREADS, requested: 12 });
    expect(resolveThreadCount('auto', {}, () => 0).threads).toBe(1);
  });

  it('rejects anything but a positive integer or auto, naming the value and its source', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 'two', '1.5', '', '0']) {
      expect(() => resolveThreadCount(bad, {}, eight)).toThrow(InvalidArgumentError);
    }
    expect(() => resolveThreadCount(undefined, { [THREADS_ENV_VAR]: 'lots' }, eight)).toThrow(/MARIA_THREADS.*lots/);
    expect(() => resolveThreadCount('0', {}, eight)).toThrow(/threads/);
  });

  it('reads the injected fault from the option or the environment, and nothing else', () => {
    expect(resolveThreadStartFault(undefined, {})).toBeUndefined();
    expect(resolveThreadStartFault('hang', {})).toBe('hang');
    expect(resolveThreadStartFault(undefined, { MARIA_THREADS_FAULT: 'error' })).toBe('error');
    expect(() => resolveThreadStartFault(undefined, { MARIA_THREADS_FAULT: 'sometimes' })).toThrow(InvalidArgumentError);
  });
});

/**
 * Runs once per engine configuration: the `core` project has MARIA_THREADS=1 and
 * `core-threads-2` has MARIA_THREADS=2 (root vitest.config.ts).
 */
describe('wasm on the thread count this process asks for', () => {
  const expected = resolveThreadCount(undefined, process.env).threads;
  const lines: string[] = [];
  let info: EngineInfo;
  let restoreSink: () => void = () => undefined;

  beforeAll(async () => {
    resetLogOnce();
    restoreSink = setLogSink((line) => lines.push(line));
    info = await initEngine({ engine: 'wasm' });
  });
  afterAll(async () => {
    restoreSink();
    await shutdownEngine();
    expect(liveWasmThreadWorkers()).toBe(0);
  });

  it(`runs ${expected} thread(s), read back from the backend, and says so once`, async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    expect(info.threads).toBe(expected);
    expect(withThreadPool(() => wasm.getThreadsCount())).toBe(expected);
    expect(lines.filter((line) => line.startsWith('engine '))).toEqual([`engine wasm (@tensorflow/tfjs-backend-wasm, ${expected} thread${expected === 1 ? '' : 's'})`]);
    expect(lines.filter((line) => line.includes('falling back'))).toEqual([]);
    // The pool's threads besides the main thread; idle pre-started workers are stopped.
    expect(liveWasmThreadWorkers()).toBe(expected - 1);
  });

  it(expected > 1 ? 'runs only large products on the pool: off outside withThreadPool, on inside' : 'has no pool to switch on one thread', () => {
    expect(hasThreadPoolSwitch()).toBe(expected > 1);
    // The binary itself (not the package's cached count) reports -1 while its pool pointer is null.
    const binaryThreads = (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm.tfjs.getThreadsCount;
    expect(binaryThreads()).toBe(expected > 1 ? -1 : 1);
    expect(withThreadPool(() => binaryThreads())).toBe(expected);
  });

  it.each([
    ['a product large enough for the pool', [130, 96, 70]],
    ['a small product, run inline', [9, 16, 20]],
  ])('multiplies like a float64 reference computed in JavaScript: %s', (_name, shape) => {
    const rng = new Rng(11);
    const [m, k, n] = shape as [number, number, number];
    const a = Float32Array.from({ length: m * k }, () => rng.normal());
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    const c = Float32Array.from({ length: n }, () => rng.normal());
    const reference = Array.from({ length: m }, (_, i) =>
      Array.from({ length: n }, (__, j) => {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += (a[i * k + p] ?? 0) * (b[p * n + j] ?? 0);
        return sum;
      }),
    );
    const x = tf.tensor2d(a, [m, k]);
    const w = tf.tensor2d(b, [k, n]);
    const bias = tf.tensor1d(c);
    tf.tidy(() => {
      expectTensorClose(matMul(x, w), reference, FLOAT32_DOT);
      expectTensorClose(linear(x, w, bias), reference.map((row) => row.map((value, j) => value + (c[j] ?? 0))), FLOAT32_DOT);
    });
    tf.dispose([x, w, bias]);
  });

  it('gives the gradient of the explicit formulas dA = dY·Bᵀ, dB = Aᵀ·dY', () => {
    const rng = new Rng(12);
    const a = tf.tensor2d(Float32Array.from({ length: 40 * 24 }, () => rng.normal()), [40, 24]);
    const b = tf.tensor2d(Float32Array.from({ length: 24 * 32 }, () => rng.normal()), [24, 32]);
    const dy = tf.tensor2d(Float32Array.from({ length: 40 * 32 }, () => rng.normal()), [40, 32]);
    const dyData = dy.arraySync();
    const aData = a.arraySync();
    const bData = b.arraySync();
    const expectedA = aData.map((_, i) => bData.map((row) => row.reduce((sum, value, j) => sum + value * (dyData[i]?.[j] ?? 0), 0)));
    const expectedB = bData.map((_, p) => (dyData[0] ?? []).map((__, j) => aData.reduce((sum, row, i) => sum + (row[p] ?? 0) * (dyData[i]?.[j] ?? 0), 0)));
    tf.tidy(() => {
      const [gradA, gradB] = tf.grads((left: tf.Tensor, right: tf.Tensor) => matMul(left, right).mul(dy).sum())([a, b]);
      expectTensorClose(gradA as tf.Tensor, expectedA, FLOAT32_DOT);
      expectTensorClose(gradB as tf.Tensor, expectedB, FLOAT32_DOT);
    });
    tf.dispose([a, b, dy]);
  });
});
