import * as tf from '@tensorflow/tfjs';
import { AbortedError, type ARBackbone, InvalidArgumentError, type Rng } from '@maria-ts/core';
import { createTokenSampler, type SamplingOptions } from '@maria-ts/kv-decoder';

export interface AutoregressiveSampleOptions {
  /** Tokens to generate after BOS (BOS itself is not returned). */
  readonly length: number;
  readonly rng: Rng;
  /** Default `{ temperature: 1 }`: x⁰ of the annealer is a plain sample from the AR model. */
  readonly sampling?: SamplingOptions;
  /**
   * Only ids below this are sampled (the shared tokenizer's vocab size, since the AR's vocab
   * projection may have padding rows). Default: every row of the projection.
   */
  readonly vocabSize?: number;
  /** Ids never sampled, e.g. the MLM's `[MASK]` and `[PAD]`, which plain text never holds. */
  readonly bannedIds?: readonly number[];
  readonly signal?: AbortSignal;
  /** Called with each token as it is decided (for streaming). */
  readonly onToken?: (id: number, position: number) => void;
}

/**
 * Samples `length` tokens from a causal backbone with a KV cache: BOS is fed first, then
 * each sampled token is appended to the cache, so the whole sample costs `length + 1`
 * one-token steps rather than a quadratic re-read of the prefix. This is step 1 of the
 * annealer (x⁰ ~ p_AR at T = 1) and the AR side of the unconditional baselines.
 *
 * Every step's tensors are freed before the next, and the cache is disposed at the end or
 * on error/abort, so the tensor count is the same before and after a call.
 */
export async function sampleAutoregressive(ar: ARBackbone, options: AutoregressiveSampleOptions): Promise<number[]> {
  const { length, rng, signal } = options;
  if (!Number.isInteger(length) || length < 1) throw new InvalidArgumentError('length', length, 'an integer >= 1');
  const projectionRows = ar.info.vocabSize;
  const vocabSize = options.vocabSize ?? projectionRows;
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > projectionRows) {
    throw new InvalidArgumentError('vocabSize', vocabSize, `an integer in [1, ${projectionRows}] (the AR vocab projection's rows)`);
  }
  const banned = (options.bannedIds ?? []).filter((id) => id >= 0 && id < vocabSize);
  const sampler = createTokenSampler(options.sampling ?? { temperature: 1 });
  const cache = ar.createCache(1, length + 1);
  const ids: number[] = [];
  try {
    let next = ar.bosTokenId;
    for (let position = 0; position < length; position++) {
      if (signal?.aborted) throw new AbortedError('autoregressive sampling');
      const row = tf.tidy(() => {
        const input = tf.tensor2d([next], [1, 1], 'int32');
        const output = ar.step(input, cache, { returnLogits: true });
        if (!output.logits) throw new InvalidArgumentError('AR backbone', ar.info.family, 'a causal backbone with a vocab projection (step returned no logits)');
        tf.dispose(output.hidden);
        return output.logits.reshape([projectionRows]);
      });
      const logits = (await row.data()) as Float32Array;
      row.dispose();
      const candidates = vocabSize === projectionRows ? logits : logits.subarray(0, vocabSize);
      for (const id of banned) candidates[id] = -Infinity;
      next = sampler(candidates, rng);
      ids.push(next);
      options.onToken?.(next, position);
    }
    return ids;
  } finally {
    cache.dispose();
  }
}
