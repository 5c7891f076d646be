import * as tf from '@tensorflow/tfjs';
import { initEngine, locateInstalledEngine, type MariaModel, sequencePassBackend, setSequencePassBackend } from '@maria-ts/core';
import { expectNoTensorLeak } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infill } from './infill.js';
import type { InfillRequest } from './infill-types.js';
import { REQUESTS } from './infill.test-support.js';

/**
 * The hybrid engine against all-wasm in one process: the same model, the same requests, with
 * whole-sequence passes on TensorFlow and then with them turned off. Runs where `pnpm
 * setup:tensorflow` installed the binding (CI does).
 */
const native = locateInstalledEngine('@tensorflow/tfjs-node', { env: {} }) !== undefined;

const LONG: InfillRequest = { ids: Array.from({ length: 96 }, (_, i) => 20 + ((i * 53) % 900)), masked: Array.from({ length: 40 }, (_, k) => (k * 7) % 96) };

/** The backend that holds a tensor's data now. */
function holder(tensor: tf.Tensor): string {
  const engine = tf.engine() as unknown as { state: { tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> }; registry: Record<string, tf.KernelBackend> };
  const backend = engine.state.tensorInfo.get(tensor.dataId as object)?.backend;
  return Object.keys(engine.registry).find((name) => engine.registry[name] === backend) ?? 'none';
}

describe.skipIf(!native)(`infill on the hybrid engine${native ? '' : ' (not run: @tensorflow/tfjs-node is not installed; run pnpm setup:tensorflow)'}`, () => {
  let model: MariaModel;
  beforeAll(async () => {
    await initEngine({ engine: 'hybrid' });
    model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 7 });
  });
  afterAll(() => {
    setSequencePassBackend('tensorflow');
    model.dispose();
  });

  it('runs the MLM pass on TensorFlow and fills what all-wasm fills (greedy ids equal, log-probabilities within 1e-4)', async () => {
    const mlmWeight = model.mlm.variables()[0] as tf.Variable;
    for (const request of [...REQUESTS, LONG]) {
      setSequencePassBackend('tensorflow');
      const hybrid = await infill(model, request, { temperature: 0 });
      // The MLM's weights moved to TensorFlow for the pass; the AR's stayed on wasm.
      expect(holder(mlmWeight)).toBe('tensorflow');
      expect(holder(model.ar.variables()[0] as tf.Variable)).toBe('wasm');
      setSequencePassBackend(null);
      const wasm = await infill(model, request, { temperature: 0 });
      expect(holder(mlmWeight)).toBe('wasm');
      expect(hybrid.ids).toEqual(wasm.ids);
      hybrid.filled.forEach((token, k) => expect(Math.abs(token.logProb - (wasm.filled[k]?.logProb as number))).toBeLessThanOrEqual(1e-4));
    }
    setSequencePassBackend('tensorflow');
    expect(sequencePassBackend()).toBe('tensorflow');
  });

  it('leaks no tensors over repeated infills and sampled fills', async () => {
    setSequencePassBackend('tensorflow');
    await infill(model, LONG, { temperature: 1, seed: 3 });
    await expectNoTensorLeak(async () => {
      for (let k = 0; k < 3; k++) await infill(model, LONG, { temperature: 1, seed: k });
    });
  });
});
