import * as tf from '@tensorflow/tfjs';
import { type ARBackbone, Rng } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { medianSeconds } from './timing.js';

/** The tiny AR backbone's shape (ARCHITECTURE.md §2.3): d=256, 4 layers, 4 heads, V=8192. */
const TINY_LLAMA_CONFIG = {
  hidden_size: 256,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  intermediate_size: 688,
  vocab_size: 8192,
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-5,
  tie_word_embeddings: false,
};

export interface DecodeMeasurement {
  readonly batch: number;
  readonly secondsPerStep: number;
  readonly tokensPerSecond: number;
}

/**
 * One KV-cached decode step of the tiny Llama: after a `prefix`-token prefill, feed one
 * token per sequence and read back the last position's logits, as a sampler would. Reports
 * the median step time and tokens/s (batch / step time).
 */
export async function measureDecodeStep(batch: number, options: { prefix: number; warmup: number; repeats: number; seed?: number }): Promise<DecodeMeasurement> {
  const rng = new Rng(options.seed ?? 0);
  const backbone = createBackbone('llama', TINY_LLAMA_CONFIG, { seed: rng.seed() }) as unknown as ARBackbone;
  const steps = options.warmup + options.repeats;
  const cache = backbone.createCache(batch, options.prefix + steps + 1);
  try {
    const prompt = tf.tensor2d(Int32Array.from({ length: batch * options.prefix }, () => rng.int(8189)), [batch, options.prefix], 'int32');
    tf.tidy(() => backbone.step(prompt, cache).hidden.dataSync());
    prompt.dispose();
    const next = tf.tensor2d(Int32Array.from({ length: batch }, () => rng.int(8189)), [batch, 1], 'int32');
    const secondsPerStep = await medianSeconds(() => {
      tf.tidy(() => {
        const { logits } = backbone.step(next, cache, { returnLogits: true });
        logits?.dataSync();
      });
    }, { warmup: options.warmup, repeats: options.repeats });
    next.dispose();
    return { batch, secondsPerStep, tokensPerSecond: batch / secondsPerStep };
  } finally {
    cache.dispose();
    backbone.dispose();
  }
}
