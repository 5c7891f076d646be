import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './engine.js';
import { resetLogOnce } from './log.js';
import { locateInstalledEngine } from './native-engine-locator.js';

/**
 * The real engines of this machine, no fakes: `auto` must start the best one that is
 * installed (tfjs-node-gpu, then tfjs-node — from `node_modules` or `pnpm setup:tensorflow`'s
 * `.engines/` — then wasm) and name it on stderr. Where `pnpm setup:tensorflow` built the
 * binding, this runs native TensorFlow; elsewhere it checks that wasm is chosen.
 */
function installed(packageName: string): boolean {
  if (locateInstalledEngine(packageName, { env: {} })) return true;
  try {
    createRequire(import.meta.url).resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

const expected = installed('@tensorflow/tfjs-node-gpu')
  ? { name: 'tensorflow-gpu', backend: 'tensorflow', packageName: '@tensorflow/tfjs-node-gpu' }
  : installed('@tensorflow/tfjs-node')
    ? { name: 'tensorflow-cpu', backend: 'tensorflow', packageName: '@tensorflow/tfjs-node' }
    : { name: 'wasm', backend: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm' };

describe(`engine auto on this machine (expects ${expected.name})`, () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('starts the best installed engine, says which on stderr, and computes on it', async () => {
    resetLogOnce();
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const info = await initEngine({ engine: 'auto', env: { MARIA_THREADS: '1' } });
    vi.restoreAllMocks();
    expect(info).toMatchObject(expected);
    expect(tf.getBackend()).toBe(expected.backend);
    expect(written.join('')).toContain(`maria: engine ${expected.name} (${expected.packageName}`);
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
  });
});
