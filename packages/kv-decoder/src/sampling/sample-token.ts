import { ShapeMismatchError, type Rng } from '@maria-ts/core';
import { filteredTokens } from './sampling-distribution.js';
import { resolveSamplingOptions, type SamplingOptions } from './sampling-options.js';

/** Picks one token id from a row of logits. */
export interface TokenSampler {
  (logits: ArrayLike<number>, rng: Rng): number;
  /**
   * True when the sampler is the plain greedy choice (temperature 0: the lowest id of the
   * largest logit, no draw), so a caller may pick that id by a faster route of its own.
   */
  readonly greedy?: boolean;
}

/**
 * A token sampler with its options checked once (bad options throw a typed
 * `InvalidArgumentError` here, before any decoding starts).
 *
 * Randomness: at temperature > 0 every call draws exactly one `rng.uniform()` and walks
 * the cumulative weights of the surviving tokens in ascending-id order, so a seed fixes
 * the whole sequence of choices and the stream advances by one draw per token whatever the
 * filters. Greedy (temperature 0) draws nothing.
 */
export function createTokenSampler(options: SamplingOptions = {}): TokenSampler {
  const resolved = resolveSamplingOptions(options);
  const sampler = (logits: ArrayLike<number>, rng: Rng): number => {
    const { ids, weights, total } = filteredTokens(logits, resolved);
    if (resolved.temperature === 0) return ids[0] as number;
    const target = rng.uniform() * total;
    let cumulative = 0;
    let last = ids[0] as number;
    for (let index = 0; index < ids.length; index++) {
      const weight = weights[index] as number;
      if (weight === 0) continue;
      cumulative += weight;
      last = ids[index] as number;
      if (target < cumulative) return last;
    }
    return last; // target ≥ the running sum only through rounding: the last token with weight
  };
  return Object.assign(sampler, { greedy: resolved.temperature === 0 });
}

/** Samples one token from `logits` (see `createTokenSampler`). */
export function sampleToken(logits: ArrayLike<number>, rng: Rng, options: SamplingOptions = {}): number {
  return createTokenSampler(options)(logits, rng);
}

/**
 * Samples one token per row of a row-major [rows, vocabSize] logits buffer (what
 * `tensor.dataSync()` returns for a batch), rows in order from the same `rng`.
 */
export function sampleTokenRows(logits: Float32Array, vocabSize: number, rng: Rng, options: SamplingOptions = {}): Int32Array {
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || logits.length % vocabSize !== 0) {
    throw new ShapeMismatchError('logits rows', [logits.length], [null, vocabSize]);
  }
  const sampler = createTokenSampler(options);
  const rows = logits.length / vocabSize;
  const chosen = new Int32Array(rows);
  for (let row = 0; row < rows; row++) chosen[row] = sampler(logits.subarray(row * vocabSize, (row + 1) * vocabSize), rng);
  return chosen;
}

/**
 * A sampler that never returns one of `bannedIds`: it samples from a copy of the row with
 * those logits set to -Infinity (the caller's buffer is left as it was). Infilling bans the
 * tokenizer's special tokens this way, so a fill is never `[MASK]`, `[PAD]` or a BOS/EOS.
 */
export function withBannedTokens(sampler: TokenSampler, bannedIds: readonly number[]): TokenSampler {
  if (bannedIds.length === 0) return sampler;
  return (logits, rng) => {
    const copy = new Float32Array(logits); // a plain copy: Float32Array.from would walk the iterator protocol per element
    for (const id of bannedIds) if (id >= 0 && id < copy.length) copy[id] = -Infinity;
    return sampler(copy, rng);
  };
}
