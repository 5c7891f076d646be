import * as tf from '@tensorflow/tfjs';
import { initEngine, type LanguageBackbone } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';
import type { Backbone } from '../family.js';
import { modernBertFamily } from './index.js';

/** Equal computations, different mask construction: float32 rounding only. */
const FLOAT32 = { atol: 1e-5, rtol: 1e-5 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const config = {
  hidden_size: 16,
  num_hidden_layers: 4,
  num_attention_heads: 2,
  intermediate_size: 24,
  vocab_size: 30,
  initializer_range: 0.4,
  global_rope_theta: 1000,
  local_rope_theta: 1000,
  local_attention: 4,
  global_attn_every_n_layers: 2,
};

const ids = [[1, 5, 9, 2, 7, 3, 8, 11, 4, 2]];

function hidden(backbone: LanguageBackbone, input = ids, mask?: number[][]): tf.Tensor {
  return tf.tidy(() =>
    backbone.forward(tf.tensor2d(input, [input.length, input[0]!.length], 'int32'), mask ? { attentionMask: tf.tensor2d(mask, [mask.length, mask[0]!.length], 'int32') } : {}).hidden,
  );
}

describe('ModernBertBackbone', () => {
  it('equals all-global attention when the local window covers the whole input, and differs when it does not', () => {
    const mixed = createBackbone('modernbert', config, { seed: 1 }) as Backbone;
    const { tensors } = mixed.toCheckpoint();
    const variant = (overrides: Record<string, unknown>) => modernBertFamily.build({ ...config, model_type: 'modernbert', ...overrides }, tensors).backbone;
    const allGlobal = variant({ global_attn_every_n_layers: 1 });
    const wideWindow = variant({ local_attention: 2 * ids[0]!.length });
    const reference = hidden(allGlobal);
    const wide = hidden(wideWindow);
    const narrow = hidden(mixed);
    expectTensorClose(wide, reference, FLOAT32);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(narrow, reference))).dataSync()[0] as number)).toBeGreaterThan(1e-3);
    tf.dispose([reference, wide, narrow]);
    for (const backbone of [mixed, allGlobal, wideWindow]) backbone.dispose();
  });

  it('uses the local θ on local layers only', () => {
    const backbone = createBackbone('modernbert', config, { seed: 2 }) as Backbone;
    const { tensors } = backbone.toCheckpoint();
    const otherLocalTheta = modernBertFamily.build({ ...config, model_type: 'modernbert', local_rope_theta: 10 }, tensors).backbone;
    const otherLocalButAllGlobal = modernBertFamily.build({ ...config, model_type: 'modernbert', local_rope_theta: 10, global_attn_every_n_layers: 1 }, tensors).backbone;
    const allGlobal = modernBertFamily.build({ ...config, model_type: 'modernbert', global_attn_every_n_layers: 1 }, tensors).backbone;
    const [a, b, c, d] = [backbone, otherLocalTheta, otherLocalButAllGlobal, allGlobal].map((model) => hidden(model));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a as tf.Tensor, b as tf.Tensor))).dataSync()[0] as number)).toBeGreaterThan(1e-3);
    expectTensorClose(c as tf.Tensor, d as tf.Tensor, { atol: 0, rtol: 0 });
    tf.dispose([a, b, c, d] as tf.Tensor[]);
    for (const model of [backbone, otherLocalTheta, otherLocalButAllGlobal, allGlobal]) model.dispose();
  });

  it('masks right padding: real positions equal the unpadded sequence', () => {
    const bertConfig = { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, initializer_range: 0.4, max_position_embeddings: 32 };
    for (const [modelType, familyConfig] of [['modernbert', config], ['bert', bertConfig]] as const) {
      const backbone = createBackbone(modelType, familyConfig, { seed: 3, onWarning: (line) => expect.fail(line) });
      const alone = hidden(backbone);
      const padded = hidden(backbone, [[...ids[0]!, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]], [[...ids[0]!.map(() => 1), 0, 0, 0], Array<number>(13).fill(1)]);
      expectTensorClose(tf.tidy(() => tf.slice(padded, [0, 0, 0], [1, ids[0]!.length, -1])), alone, FLOAT32);
      tf.dispose([alone, padded]);
      backbone.dispose();
    }
  });
});
