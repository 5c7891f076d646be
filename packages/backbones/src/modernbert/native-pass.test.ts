import * as tf from '@tensorflow/tfjs';
import { initEngine, locateInstalledEngine, NATIVE_OPS_ENV_VAR, NativeOps, onSequencePassEngine, type LanguageBackbone } from '@maria-ts/core';
import { countNativeHandles, expectNoTensorLeak, expectTensorClose } from '@maria-ts/core/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBackbone } from '../create-backbone.js';

/**
 * ModernBERT's direct TensorFlow pass (`native-pass.ts`) against its tfjs layers on the same
 * backend. Both run the same TensorFlow kernels in the same order, so they agree to float32
 * rounding at worst (`SAME_KERNELS`; on tfjs-node 4.22 they were bit-identical). Runs where
 * `pnpm setup:tensorflow` installed the binding (CI does).
 */
const native = locateInstalledEngine('@tensorflow/tfjs-node', { env: {} }) !== undefined;

const SAME_KERNELS = { atol: 1e-6, rtol: 1e-6 };

/** 4 layers, global every 2nd, local window ±3 at 20 positions: masks, both RoPE θ, every bias. */
const config = {
  hidden_size: 32,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  intermediate_size: 24,
  vocab_size: 50,
  initializer_range: 0.3,
  global_rope_theta: 1000,
  local_rope_theta: 50,
  local_attention: 6,
  global_attn_every_n_layers: 2,
};
const biased = { ...config, norm_bias: true, attention_bias: true, mlp_bias: true, classifier_bias: true };

let ids: tf.Tensor2D;

/** The backbone's forward with a gradient tape recording: the tfjs layers, whatever the engine. */
function tfjsForward(backbone: LanguageBackbone, input: tf.Tensor2D, returnLogits = false): { hidden: tf.Tensor; logits?: tf.Tensor } {
  let out: { hidden: tf.Tensor; logits?: tf.Tensor } = { hidden: tf.scalar(0) };
  const probe = tf.scalar(1);
  const grads = tf.grads((x: tf.Tensor) => {
    const result = backbone.forward(input, { returnLogits });
    out = { hidden: tf.keep(result.hidden), ...(result.logits ? { logits: tf.keep(result.logits) } : {}) };
    return tf.sum(x);
  })([probe]);
  tf.dispose([probe, ...grads]);
  return out;
}

/** How many ops the direct passes ran while spying. */
function spyNativeOps(): { count: number } {
  const calls = { count: 0 };
  const run = NativeOps.prototype.run;
  vi.spyOn(NativeOps.prototype, 'run').mockImplementation(function (this: NativeOps, ...args: Parameters<NativeOps['run']>) {
    calls.count++;
    return run.apply(this, args);
  });
  return calls;
}

describe.skipIf(!native)(`ModernBERT's direct TensorFlow pass${native ? '' : ' (not run: @tensorflow/tfjs-node is not installed; run pnpm setup:tensorflow)'}`, () => {
  beforeAll(async () => {
    await initEngine({ engine: 'tensorflow', threads: 1 });
    ids = tf.tensor2d(Array.from({ length: 40 }, (_, i) => (i * 17 + 3) % 50), [2, 20], 'int32');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('equals the tfjs layers (hidden and logits), with window masks, both RoPE θ, biases and a batch of 2', () => {
    for (const [name, modelConfig] of [['no biases', config], ['every bias', biased]] as const) {
      const backbone = createBackbone('modernbert', modelConfig, { seed: 5 });
      const calls = spyNativeOps();
      const fast = backbone.forward(ids, { returnLogits: true });
      expect(calls.count, name).toBeGreaterThan(100); // the direct pass ran
      vi.restoreAllMocks();
      const reference = tfjsForward(backbone, ids, true);
      expect(fast.hidden.shape).toEqual([2, 20, 32]);
      expectTensorClose(fast.hidden, reference.hidden, SAME_KERNELS);
      expectTensorClose(fast.logits as tf.Tensor, reference.logits as tf.Tensor, SAME_KERNELS);
      tf.dispose([fast.hidden, fast.logits as tf.Tensor, reference.hidden, reference.logits as tf.Tensor]);
      backbone.dispose();
    }
  });

  it('frees every TensorFlow handle it makes and leaks no tfjs tensor', async () => {
    const backbone = createBackbone('modernbert', config, { seed: 6 });
    backbone.forward(ids).hidden.dispose(); // first use: the weights' handles are made
    const calls = countNativeHandles();
    try {
      await expectNoTensorLeak(() => {
        for (let k = 0; k < 3; k++) backbone.forward(ids).hidden.dispose();
      });
    } finally {
      calls.restore();
    }
    expect(calls.made).toBeGreaterThan(300);
    expect(calls.freed).toBe(calls.made);
    backbone.dispose();
  });

  it('stays off while a gradient tape records, with MARIA_NATIVE_OPS=0, and for activations it has no form of', () => {
    const cases: [string, Record<string, unknown>, () => void][] = [
      ['tape', config, () => undefined],
      ['env', config, () => vi.stubEnv(NATIVE_OPS_ENV_VAR, '0')],
      ['gelu_new', { ...config, hidden_activation: 'gelu_new' }, () => undefined],
    ];
    for (const [name, modelConfig, arrange] of cases) {
      const backbone = createBackbone('modernbert', modelConfig, { seed: 7 });
      arrange();
      const calls = spyNativeOps();
      const out = name === 'tape' ? tfjsForward(backbone, ids).hidden : backbone.forward(ids).hidden;
      expect(calls.count, name).toBe(0);
      out.dispose();
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
      backbone.dispose();
    }
  });

  it('runs inside onSequencePassEngine like any pass (the hybrid engine calls it there)', () => {
    const backbone = createBackbone('modernbert', config, { seed: 8 });
    const calls = spyNativeOps();
    const out = onSequencePassEngine(() => backbone.forward(ids).hidden);
    expect(calls.count).toBeGreaterThan(100);
    expect(out.shape).toEqual([2, 20, 32]);
    out.dispose();
    backbone.dispose();
  });
});
