import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';
import type { Backbone } from '../family.js';
import type { CheckpointTensor } from '../parameters/host-parameters.js';
import { gptNeoXFamily } from './index.js';

const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };
const config = { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, initializer_range: 0.3 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const ids = () => tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]], [1, 8], 'int32');
const maxDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);

describe('GptNeoXBackbone', () => {
  it('parallel and sequential residuals agree only when attention adds nothing', () => {
    const fresh = createBackbone('gpt_neox', config, { seed: 1 }) as Backbone;
    const { tensors } = fresh.toCheckpoint();
    const build = (parallel: boolean, source: ReadonlyMap<string, CheckpointTensor>) => gptNeoXFamily.build({ ...config, model_type: 'gpt_neox', use_parallel_residual: parallel }, source).backbone;
    const silenced = new Map(tensors);
    for (const [name, tensor] of tensors) if (/attention\.dense\.(weight|bias)$/.test(name)) silenced.set(name, { shape: tensor.shape, data: new Float32Array(tensor.data.length) });
    const [parallel, sequential, silentParallel, silentSequential] = [build(true, tensors), build(false, tensors), build(true, silenced), build(false, silenced)];
    const input = ids();
    const [a, b, c, d] = [parallel, sequential, silentParallel, silentSequential].map((backbone) => tf.tidy(() => backbone.forward(input).hidden));
    expect(maxDifference(a as tf.Tensor, b as tf.Tensor)).toBeGreaterThan(1e-3);
    expectTensorClose(c as tf.Tensor, d as tf.Tensor, FLOAT32);
    tf.dispose([input, a as tf.Tensor, b as tf.Tensor, c as tf.Tensor, d as tf.Tensor]);
    for (const backbone of [fresh, parallel, sequential, silentParallel, silentSequential]) backbone.dispose();
  });

  it('with rotary_pct 0 attends without positions; with rotary it does not', () => {
    const reversedHidden = (rotaryPct: number) => {
      const backbone = createBackbone('gpt_neox', { ...config, num_hidden_layers: 1, rotary_pct: rotaryPct }, { seed: 2 });
      // Without positions a causal layer's last state is a function of the set of tokens seen.
      const last = (row: number[]) => tf.tidy(() => tf.slice(backbone.forward(tf.tensor2d([row], [1, row.length], 'int32')).hidden, [0, row.length - 1, 0], [1, 1, -1]));
      const forward = last([5, 6, 7, 8]);
      const shuffled = last([7, 5, 6, 8]);
      const difference = maxDifference(forward, shuffled);
      tf.dispose([forward, shuffled]);
      backbone.dispose();
      return difference;
    };
    expect(reversedHidden(0)).toBeLessThan(1e-5);
    expect(reversedHidden(0.5)).toBeGreaterThan(1e-4);
  });

  it('ties the head to embed_in when tie_word_embeddings is set, and skips an equal embed_out copy quietly', () => {
    const tied = createBackbone('gpt_neox', { ...config, tie_word_embeddings: true }, { seed: 3 }) as Backbone;
    const checkpoint = tied.toCheckpoint();
    expect([...checkpoint.tensors.keys()]).not.toContain('embed_out.weight');
    const embeddings = checkpoint.tensors.get('gpt_neox.embed_in.weight') as CheckpointTensor;
    const withCopy = new Map(checkpoint.tensors).set('embed_out.weight', embeddings);
    expect(gptNeoXFamily.build(checkpoint.config, withCopy).warnings).toEqual([]);
    const differing = new Map(checkpoint.tensors).set('embed_out.weight', { shape: embeddings.shape, data: embeddings.data.map((value) => value + 1) });
    expect(gptNeoXFamily.build(checkpoint.config, differing).warnings).toEqual(["gpt_neox checkpoint: ignoring tensor 'embed_out.weight' that the gpt_neox architecture does not use"]);
    tf.tidy(() => {
      const output = tied.forward(ids(), { returnLogits: true });
      expectTensorClose(tied.outputProjection().weight, tf.tensor2d(embeddings.data, embeddings.shape as [number, number]), { atol: 0, rtol: 0 });
      expect(output.logits?.shape).toEqual([1, 8, 30]);
    });
    tied.dispose();
  });
});
