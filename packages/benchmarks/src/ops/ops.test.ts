import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine } from '@maria-ts/core';
import { expectTensorClose } from '@maria-ts/core/testing';
import { builtinOps, fastOps } from './op-set.js';
import { median, medianSeconds } from './timing.js';
import { BenchmarkBlock, blockTrainingStepFlops, DEFAULT_BLOCK_SHAPE } from './transformer-block.js';

/** Same graph, different kernels: float32 reassociation only. */
const SAME_FUNCTION = { atol: 1e-5, rtol: 1e-4 };

describe('ops benchmark', () => {
  beforeAll(async () => {
    await initEngine({ engine: 'wasm' });
  });

  it('builtin and fast op sets compute the same loss and gradients on the benchmark block', () => {
    const shape = { hiddenSize: 8, heads: 2, intermediateSize: 16, vocabSize: 11, batch: 2, length: 5 };
    const rng = new Rng(31);
    const block = new BenchmarkBlock(shape, rng);
    const x = tf.tensor3d(Float32Array.from({ length: 2 * 5 * 8 }, () => rng.normal()), [2, 5, 8]);
    const labels = tf.tensor1d(Int32Array.from({ length: 10 }, () => rng.int(11)), 'int32');
    const builtin = tf.variableGrads(() => block.loss(builtinOps, x, labels), block.variables);
    const fast = tf.variableGrads(() => block.loss(fastOps, x, labels), block.variables);
    expectTensorClose(fast.value, builtin.value, SAME_FUNCTION);
    for (const variable of block.variables) {
      expectTensorClose(fast.grads[variable.name] as tf.Tensor, builtin.grads[variable.name] as tf.Tensor, SAME_FUNCTION);
    }
    expect(Object.keys(fast.grads)).toHaveLength(5);
    block.dispose();
  });

  it('reports the median of the timed runs after the warm-up', async () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const ticks = [0, 100, 100, 400, 400, 700];
    let calls = 0;
    const seconds = await medianSeconds(() => void calls++, { warmup: 2, repeats: 3, now: () => ticks.shift() ?? 0 });
    expect(calls).toBe(5);
    expect(seconds).toBe(0.3);
  });

  it('counts the block step as 3x its forward matrix products', () => {
    // d=2, f=4, V=3, B=1, T=2 by hand: projections 2·2·(2·6 + 2·2 + 2·4 + 4·2 + 2·3) = 152,
    // attention 2·2·1·2·2·2 = 32, times 3.
    expect(blockTrainingStepFlops({ hiddenSize: 2, heads: 1, intermediateSize: 4, vocabSize: 3, batch: 1, length: 2 })).toBe(3 * (152 + 32));
    // The default block: 18.1 GFLOP a step, over half of it the 256 x 8192 LM head.
    expect(blockTrainingStepFlops(DEFAULT_BLOCK_SHAPE) / 1e9).toBeCloseTo(18.12, 2);
  });
});
