import * as tf from '@tensorflow/tfjs';
import { initEngine, type LanguageBackbone } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';
import type { Backbone } from '../family.js';
import type { CheckpointTensor } from '../parameters/host-parameters.js';
import { llamaFamily } from './index.js';

/** Same products, different head grouping: float32 rounding only. */
const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const base = { hidden_size: 24, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 32, vocab_size: 40, initializer_range: 0.3 };

function hiddenOf(backbone: LanguageBackbone): tf.Tensor {
  return tf.tidy(() => backbone.forward(tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]], [1, 8], 'int32')).hidden);
}

/** Repeats each of the `kvHeads` row blocks (one per head, headDim rows) `times` times, as repeat_kv would. */
function repeatHeads(tensor: CheckpointTensor, kvHeads: number, times: number): CheckpointTensor {
  const [rows, columns] = tensor.shape as [number, number];
  const headRows = rows / kvHeads;
  const data = new Float32Array(rows * times * columns);
  let offset = 0;
  for (let head = 0; head < kvHeads; head++) {
    const block = tensor.data.subarray(head * headRows * columns, (head + 1) * headRows * columns);
    for (let copy = 0; copy < times; copy++) {
      data.set(block, offset);
      offset += block.length;
    }
  }
  return { shape: [rows * times, columns], data };
}

describe('LlamaBackbone', () => {
  for (const kvHeads of [1, 2]) {
    it(`with ${kvHeads} key/value head(s) equals multi-head attention with the key/value heads repeated`, () => {
      const grouped = createBackbone('llama', { ...base, num_key_value_heads: kvHeads }, { seed: 5 }) as Backbone;
      const checkpoint = grouped.toCheckpoint();
      const tensors = new Map(checkpoint.tensors);
      for (const [name, tensor] of checkpoint.tensors) {
        if (/self_attn\.[kv]_proj\.weight$/.test(name)) tensors.set(name, repeatHeads(tensor, kvHeads, 4 / kvHeads));
      }
      const { backbone: multiHead } = llamaFamily.build({ ...checkpoint.config, num_key_value_heads: 4 }, tensors);
      const a = hiddenOf(grouped);
      const b = hiddenOf(multiHead);
      expectTensorClose(a, b, FLOAT32);
      tf.dispose([a, b]);
      grouped.dispose();
      multiHead.dispose();
    });
  }

  it('ties the head to the embeddings when tie_word_embeddings is set (no lm_head tensor)', () => {
    const tied = createBackbone('llama', { ...base, tie_word_embeddings: true }, { seed: 6 }) as Backbone;
    const names = [...tied.toCheckpoint().tensors.keys()];
    expect(names).not.toContain('lm_head.weight');
    tf.tidy(() => {
      const output = tied.forward(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), { returnLogits: true });
      const table = tied.variables().find((variable) => variable.shape[0] === 40 && variable.shape[1] === 24) as tf.Tensor2D;
      expectTensorClose(output.logits as tf.Tensor, tf.matMul(output.hidden.reshape([3, 24]), table, false, true).reshape([1, 3, 40]), FLOAT32);
      expectTensorClose(tied.outputProjection().weight, table, { atol: 0, rtol: 0 });
    });
    tied.dispose();
  });

  it('uses attention and MLP biases when the config has them', () => {
    const withBias = createBackbone('llama', { ...base, attention_bias: true, mlp_bias: true }, { seed: 7 }) as Backbone;
    const checkpoint = withBias.toCheckpoint();
    const biasNames = [...checkpoint.tensors.keys()].filter((name) => name.endsWith('.bias'));
    expect(biasNames).toContain('model.layers.0.self_attn.q_proj.bias');
    expect(biasNames).toContain('model.layers.1.mlp.down_proj.bias');
    expect(biasNames).toHaveLength(2 * 7);
    // From-scratch biases are zero: give one a value and the output must move.
    const tensors = new Map(checkpoint.tensors);
    const bias = tensors.get('model.layers.0.self_attn.v_proj.bias') as CheckpointTensor;
    tensors.set('model.layers.0.self_attn.v_proj.bias', { shape: bias.shape, data: bias.data.map(() => 0.5) });
    const { backbone: shifted } = llamaFamily.build(checkpoint.config, tensors);
    const a = hiddenOf(withBias);
    const b = hiddenOf(shifted);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number)).toBeGreaterThan(1e-3);
    tf.dispose([a, b]);
    withBias.dispose();
    shifted.dispose();
  });
});
