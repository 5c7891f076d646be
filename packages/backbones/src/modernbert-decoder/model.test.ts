import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../create-backbone.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const config = { hidden_size: 16, num_attention_heads: 2, intermediate_size: 24, vocab_size: 30, initializer_range: 0.5 };

/** Max change of the state at `position` when the token at `changed` is replaced. */
function influence(overrides: Record<string, unknown>, position: number, changed: number): number {
  const backbone = createBackbone('modernbert-decoder', { ...config, ...overrides }, { seed: 4 });
  const row = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  const edited = row.map((id, i) => (i === changed ? (id + 7) % 30 : id));
  const at = (ids: number[]) => tf.tidy(() => tf.slice(backbone.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).hidden, [0, position, 0], [1, 1, -1]));
  const [a, b] = [at(row), at(edited)];
  const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
  tf.dispose([a, b]);
  backbone.dispose();
  return difference;
}

describe('ModernBertDecoderBackbone', () => {
  it('lets a sliding layer see exactly the last sliding_window positions, causally', () => {
    const sliding = { num_hidden_layers: 1, layer_types: ['sliding_attention'], sliding_window: 3 };
    expect(influence(sliding, 8, 6)).toBeGreaterThan(1e-4); // t − 2: inside the window
    expect(influence(sliding, 8, 5)).toBe(0); // t − 3: outside
    expect(influence(sliding, 8, 9)).toBe(0); // the future
    const local = { num_hidden_layers: 1, global_attn_every_n_layers: 2, local_attention: 6 };
    expect(influence(local, 8, 2)).toBeGreaterThan(1e-4); // layer 0 is full attention
    const twoLayers = { num_hidden_layers: 2, global_attn_every_n_layers: 2, local_attention: 6 };
    expect(influence({ ...twoLayers, layer_types: ['sliding_attention', 'sliding_attention'] }, 8, 4)).toBeGreaterThan(1e-4); // t − 4 reaches t through two windows of 3
    expect(influence({ ...twoLayers, layer_types: ['sliding_attention', 'sliding_attention'] }, 8, 3)).toBe(0);
  });
});
