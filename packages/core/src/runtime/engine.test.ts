import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { EngineUnavailableError, MariaError, UnknownNameError } from '../errors.js';
import { ENGINE_ENV_VAR, currentEngine, initEngine, resolveEngineChoice } from './engine.js';
import { resetLogOnce, setLogSink } from './log.js';

const notInstalled = (specifier: string) => {
  const error = new Error(`Cannot find package '${specifier}' imported from engine.ts`) as Error & { code: string };
  error.code = 'ERR_MODULE_NOT_FOUND';
  return error;
};

/** An import function where only the listed packages "exist"; the real wasm package always does. */
function fakeImports(installed: Record<string, () => void>) {
  const calls: string[] = [];
  const importModule = async (specifier: string) => {
    calls.push(specifier);
    if (specifier === '@tensorflow/tfjs-backend-wasm') return import('@tensorflow/tfjs-backend-wasm');
    const install = installed[specifier];
    if (!install) throw notInstalled(specifier);
    install();
    return {};
  };
  return { importModule, calls };
}

/** Stands in for tfjs-node: registers a backend named 'tensorflow' (backed by tfjs's CPU kernels' class). */
function registerFakeNativeBackend() {
  if (tf.findBackendFactory('tensorflow')) return;
  const cpuFactory = tf.findBackendFactory('cpu');
  if (!cpuFactory) throw new Error('tfjs cpu backend missing');
  tf.registerBackend('tensorflow', cpuFactory, 1);
}

function captureLog() {
  const lines: string[] = [];
  resetLogOnce();
  const restore = setLogSink((line) => lines.push(line));
  return { lines, restore };
}

describe('engine selection', () => {
  let restoreLog: (() => void) | undefined;
  afterEach(async () => {
    restoreLog?.();
    if (tf.findBackendFactory('tensorflow')) {
      await initEngine({ engine: 'wasm', env: {} });
      tf.removeBackend('tensorflow');
    }
  });

  it('resolves the choice from the option, then the env var, then auto', () => {
    expect(resolveEngineChoice({ env: {} })).toBe('auto');
    expect(resolveEngineChoice({ env: { [ENGINE_ENV_VAR]: 'wasm' } })).toBe('wasm');
    expect(resolveEngineChoice({ engine: 'tensorflow', env: { [ENGINE_ENV_VAR]: 'wasm' } })).toBe('tensorflow');
  });

  it('auto falls back to wasm when no native engine is installed, trying GPU first', async () => {
    const { importModule, calls } = fakeImports({});
    const log = captureLog();
    restoreLog = log.restore;
    const info = await initEngine({ engine: 'auto', env: {}, importModule });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm']);
    expect(log.lines.filter((line) => line.startsWith('engine '))).toEqual([expect.stringMatching(/^engine wasm \(@tensorflow\/tfjs-backend-wasm, \d+ threads?\)$/)]);
  });

  it('auto picks tfjs-node-gpu when it is installed', async () => {
    const { importModule, calls } = fakeImports({ '@tensorflow/tfjs-node-gpu': registerFakeNativeBackend });
    const log = captureLog();
    restoreLog = log.restore;
    const info = await initEngine({ env: {}, importModule });
    expect(info).toMatchObject({ name: 'tensorflow-gpu', backend: 'tensorflow', packageName: '@tensorflow/tfjs-node-gpu' });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(log.lines).toEqual(['engine tensorflow-gpu (@tensorflow/tfjs-node-gpu)']);
    expect(currentEngine()?.name).toBe('tensorflow-gpu');
  });

  it('a native engine missing from node_modules is imported from where locateEngine finds it', async () => {
    const located = '/opt/engines/tfjs-node/node_modules/@tensorflow/tfjs-node/dist/index.js';
    const { importModule, calls } = fakeImports({ [`file://${located}`]: registerFakeNativeBackend });
    const asked: string[] = [];
    const info = await initEngine({
      engine: 'tensorflow',
      env: {},
      importModule,
      locateEngine: (packageName) => (asked.push(packageName), packageName === '@tensorflow/tfjs-node' ? located : undefined),
    });
    expect(info).toMatchObject({ name: 'tensorflow-cpu', backend: 'tensorflow' });
    expect(asked).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', `file://${located}`]);
  });

  it('tensorflow uses tfjs-node when only the CPU build is installed', async () => {
    const { importModule } = fakeImports({ '@tensorflow/tfjs-node': registerFakeNativeBackend });
    const info = await initEngine({ engine: 'tensorflow', env: {}, importModule });
    expect(info.name).toBe('tensorflow-cpu');
  });

  it('the env var selects the engine when no option is given', async () => {
    const { importModule, calls } = fakeImports({ '@tensorflow/tfjs-node-gpu': registerFakeNativeBackend });
    const info = await initEngine({ env: { [ENGINE_ENV_VAR]: 'wasm' }, importModule });
    expect(info.name).toBe('wasm');
    expect(calls).not.toContain('@tensorflow/tfjs-node-gpu');
  });

  it('naming an engine that is not installed throws a typed error saying what to install', async () => {
    const { importModule } = fakeImports({});
    const attempt = initEngine({ engine: 'tensorflow', env: {}, importModule });
    await expect(attempt).rejects.toSatisfy((error: unknown) => EngineUnavailableError.isInstance(error) && MariaError.isInstance(error));
    await expect(initEngine({ engine: 'tensorflow', env: {}, importModule })).rejects.toThrow(
      "engine 'tensorflow' is not available: @tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed. Install @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node (e.g. npm i @tensorflow/tfjs-node-gpu) or use --engine wasm",
    );
    await expect(initEngine({ engine: 'tensorflow-gpu', env: {}, importModule })).rejects.toThrow(/tensorflow-gpu.*not installed/);
  });

  it('an installed but broken native engine is skipped by auto with one log line', async () => {
    const { importModule } = fakeImports({
      '@tensorflow/tfjs-node-gpu': () => {
        throw new Error('libcudart.so.11.0: cannot open shared object file');
      },
    });
    const log = captureLog();
    restoreLog = log.restore;
    const info = await initEngine({ env: {}, importModule });
    expect(info.name).toBe('wasm');
    expect(log.lines[0]).toBe('@tensorflow/tfjs-node-gpu failed to start: libcudart.so.11.0: cannot open shared object file; trying the next engine');
  });

  it('an unknown engine name lists the known ones', async () => {
    const attempt = initEngine({ engine: 'webgpu', env: {} });
    await expect(attempt).rejects.toSatisfy((error: unknown) => UnknownNameError.isInstance(error));
    await expect(initEngine({ engine: 'webgpu', env: {} })).rejects.toThrow("unknown engine 'webgpu'; known: auto, tensorflow, tensorflow-gpu, tensorflow-cpu, wasm");
  });

  it('logs the engine once per process, however often it is initialised', async () => {
    const log = captureLog();
    restoreLog = log.restore;
    await initEngine({ engine: 'wasm', env: {} });
    await initEngine({ engine: 'wasm', env: {} });
    expect(log.lines.filter((line) => line.startsWith('engine ')).length).toBeLessThanOrEqual(1);
  });
});
