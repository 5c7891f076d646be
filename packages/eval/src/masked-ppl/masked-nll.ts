import { ShapeMismatchError } from '@maria-ts/core';

/**
 * Summed negative log-likelihood (nats) of the masked tokens of each example, and how many
 * tokens each sum covers. Per example rather than pooled, so tests can compare methods and
 * batchings example by example, and reports can pool them: PPL = exp(Σ nll / Σ tokens).
 */
export interface MaskedNll {
  readonly nll: Float64Array;
  readonly tokens: Int32Array;
}

/** Options every masked-likelihood scorer takes. */
export interface MaskedScoreOptions {
  /**
   * Upper bound on tokens per forward pass (rows × length); examples of equal length are
   * batched up to it. Default 2048 (16 windows of 128).
   */
  readonly maxBatchTokens?: number;
  /** Upper bound on rows of one [rows, vocab] logits tensor. Default 1024. */
  readonly maxLogitRows?: number;
  /** Called as work completes, with the number of examples (possibly fractional) just finished. */
  readonly onProgress?: (examples: number) => void;
}

/** The examples a scorer reads: token ids and, per example, a 0/1 mask of the scored positions. */
export interface MaskedExamples {
  readonly ids: readonly (readonly number[])[];
  readonly masks: readonly ArrayLike<number>[];
}

/** A zeroed per-example result for `count` examples. */
export function emptyMaskedNll(count: number): MaskedNll {
  return { nll: new Float64Array(count), tokens: new Int32Array(count) };
}

/** Pooled perplexity exp(Σ nll / Σ tokens) and the pooled counts (NaN PPL for no tokens). */
export function pooledPerplexity(result: MaskedNll): { readonly ppl: number; readonly meanNll: number; readonly tokens: number } {
  let nll = 0;
  let tokens = 0;
  for (let i = 0; i < result.nll.length; i++) {
    nll += result.nll[i] as number;
    tokens += result.tokens[i] as number;
  }
  const meanNll = tokens > 0 ? nll / tokens : Number.NaN;
  return { ppl: Math.exp(meanNll), meanNll, tokens };
}

/** Checks that there is one mask per example and that each mask covers its example. */
export function validateMaskedExamples(examples: MaskedExamples): void {
  const { ids, masks } = examples;
  if (masks.length !== ids.length) throw new ShapeMismatchError('masks (examples)', [masks.length], [ids.length]);
  ids.forEach((row, index) => {
    const mask = masks[index] as ArrayLike<number>;
    if (mask.length !== row.length) throw new ShapeMismatchError(`mask of example ${index}`, [mask.length], [row.length]);
  });
}

/** Ascending positions where `mask` is set. */
export function maskedPositions(mask: ArrayLike<number>): number[] {
  const positions: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) positions.push(i);
  return positions;
}
