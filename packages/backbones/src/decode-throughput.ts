import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type ARBackbone, type Rng } from '@maria-ts/core';
import type { DecoderBackbone } from './base/decoder-backbone.js';

export interface DecodeThroughputOptions {
  /** Tokens prefilled in one chunk before timing starts. */
  readonly promptLength: number;
  /** Single-token steps timed after the prefill. */
  readonly steps: number;
  readonly batchSize?: number;
  /** Untimed steps first (wasm compiles and allocates on first use). */
  readonly warmupSteps?: number;
  /** Also project each step's hidden state to logits, as sampling would. */
  readonly withLogits?: boolean;
  /** Passed to the cache (`ChunkedKVCache` merge ratio), for comparing merge policies. */
  readonly mergeRatio?: number;
  /** Passed to the cache (`ChunkedKVCache` small-chunk threshold). */
  readonly smallChunk?: number;
  /** Draws the token ids. */
  readonly rng: Rng;
}

export interface DecodeThroughput {
  readonly prefillTokensPerSecond: number;
  /** Sequences × steps per second of single-token KV-cached decoding. */
  readonly decodeTokensPerSecond: number;
  readonly promptLength: number;
  readonly steps: number;
  readonly batchSize: number;
  /** Chunks per layer when decoding ended (the cache's merge policy at work). */
  readonly finalChunksPerLayer: number;
}

/**
 * Measures KV-cached decoding of a causal backbone: one prefill chunk, then single-token
 * steps, each synchronised by reading its hidden state back (as a sampler must), with
 * random ids. What `maria bench-decode` reports.
 */
export function measureDecodeThroughput(backbone: ARBackbone, options: DecodeThroughputOptions): DecodeThroughput {
  const batchSize = options.batchSize ?? 1;
  const warmup = options.warmupSteps ?? 4;
  if (!Number.isInteger(options.promptLength) || options.promptLength < 1) throw new InvalidArgumentError('promptLength', options.promptLength, 'an integer >= 1');
  if (!Number.isInteger(options.steps) || options.steps < 1) throw new InvalidArgumentError('steps', options.steps, 'an integer >= 1');
  const vocab = backbone.info.vocabSize;
  const randomIds = (length: number) => tf.tensor2d(Array.from({ length: batchSize * length }, () => options.rng.int(vocab)), [batchSize, length], 'int32');
  const createCache = (capacity: number) =>
    options.mergeRatio === undefined && options.smallChunk === undefined
      ? backbone.createCache(batchSize, capacity)
      : (backbone as DecoderBackbone).createCache(batchSize, capacity, {
          ...(options.mergeRatio !== undefined ? { mergeRatio: options.mergeRatio } : {}),
          ...(options.smallChunk !== undefined ? { smallChunk: options.smallChunk } : {}),
        });
  const runStep = (cache: ReturnType<ARBackbone['createCache']>, length: number) => {
    const ids = randomIds(length);
    const output = backbone.step(ids, cache, { returnLogits: options.withLogits ?? false });
    (output.logits ?? output.hidden).dataSync();
    tf.dispose([ids, output.hidden, ...(output.logits ? [output.logits] : [])]);
  };
  const capacity = options.promptLength + warmup + options.steps;
  const warmCache = createCache(capacity);
  try {
    runStep(warmCache, options.promptLength);
    for (let i = 0; i < warmup; i++) runStep(warmCache, 1);
  } finally {
    warmCache.dispose();
  }
  const cache = createCache(capacity);
  try {
    const prefillStart = performance.now();
    runStep(cache, options.promptLength);
    const prefillSeconds = (performance.now() - prefillStart) / 1000;
    const decodeStart = performance.now();
    for (let i = 0; i < options.steps; i++) runStep(cache, 1);
    const decodeSeconds = (performance.now() - decodeStart) / 1000;
    const chunks = 'chunkLengths' in cache ? (cache as { chunkLengths(layer: number): readonly number[] }).chunkLengths(0).length : 1;
    return {
      prefillTokensPerSecond: (batchSize * options.promptLength) / prefillSeconds,
      decodeTokensPerSecond: (batchSize * options.steps) / decodeSeconds,
      promptLength: options.promptLength,
      steps: options.steps,
      batchSize,
      finalChunksPerLayer: chunks,
    };
  } finally {
    cache.dispose();
  }
}
