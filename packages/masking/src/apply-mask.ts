import { InvalidArgumentError, ShapeMismatchError, type Rng } from '@maria-ts/core';

/**
 * BERT's pretraining corruption: of the positions selected for prediction, most get the
 * mask token, some a random token and some keep their own, so the MLM cannot rely on the
 * mask token marking exactly the positions it is scored on.
 */
export interface MlmCorruptionOptions {
  readonly rng: Rng;
  /** Random replacements are drawn uniformly from [0, vocabSize) minus `excludeIds`. */
  readonly vocabSize: number;
  /** Share of selected positions given a random token; default 0.1. */
  readonly randomFraction?: number;
  /** Share of selected positions left unchanged; default 0.1. */
  readonly keepFraction?: number;
  /** Ids never drawn as random replacements (special tokens, the mask token). */
  readonly excludeIds?: Iterable<number>;
}

/** Options of `applyMask`. */
export interface ApplyMaskOptions {
  /**
   * Leave unset for MARIA (every masked position gets the mask token, as the paper's
   * x̃). Set it for MLM pretraining's 80/10/10 mask/random/keep corruption.
   */
  readonly corruption?: MlmCorruptionOptions;
}

/**
 * The MLM's input x̃: a copy of `ids` in which every masked position (truthy `mask`
 * entry) holds `maskTokenId`, or, with `corruption`, the 80/10/10 mix. Unmasked
 * positions are never changed. The labels are the original `ids` at the masked positions.
 */
export function applyMask(ids: ArrayLike<number>, mask: ArrayLike<number | boolean>, maskTokenId: number, options: ApplyMaskOptions = {}): number[] {
  if (mask.length !== ids.length) throw new ShapeMismatchError('mask', [mask.length], [ids.length]);
  if (!Number.isInteger(maskTokenId) || maskTokenId < 0) throw new InvalidArgumentError('maskTokenId', maskTokenId, 'a non-negative integer');
  const corrupt = options.corruption === undefined ? () => maskTokenId : mlmCorrupter(options.corruption, maskTokenId);
  const result = Array.from(ids);
  for (let position = 0; position < result.length; position++) {
    if (mask[position]) result[position] = corrupt(result[position] as number);
  }
  return result;
}

/** Returns the per-position replacement rule of the 80/10/10 corruption, validating its options once. */
function mlmCorrupter(options: MlmCorruptionOptions, maskTokenId: number): (original: number) => number {
  const randomFraction = options.randomFraction ?? 0.1;
  const keepFraction = options.keepFraction ?? 0.1;
  const { rng, vocabSize } = options;
  if (!(randomFraction >= 0 && keepFraction >= 0 && randomFraction + keepFraction <= 1)) {
    throw new InvalidArgumentError('corruption fractions', { randomFraction, keepFraction }, 'non-negative shares summing to at most 1');
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new InvalidArgumentError('vocabSize', vocabSize, 'an integer ≥ 1');
  const excluded = new Set([...(options.excludeIds ?? [])].filter((id) => Number.isInteger(id) && id >= 0 && id < vocabSize));
  if (randomFraction > 0 && excluded.size >= vocabSize) {
    throw new InvalidArgumentError('excludeIds', [...excluded], `to leave at least one of the ${vocabSize} ids for random replacement`);
  }
  const maskBelow = 1 - randomFraction - keepFraction;
  const randomBelow = 1 - keepFraction;
  return (original) => {
    const u = rng.uniform();
    if (u < maskBelow) return maskTokenId;
    if (u >= randomBelow) return original;
    for (;;) {
      const candidate = rng.int(vocabSize);
      if (!excluded.has(candidate)) return candidate;
    }
  };
}
