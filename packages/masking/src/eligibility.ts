import { ShapeMismatchError, type SpecialTokenIds } from '@maria-ts/core';

/**
 * One flag per position; truthy means "yes". Accepts `boolean[]`, `number[]` (an attention
 * mask of 0/1) and typed arrays alike, so callers can pass what they already hold.
 */
export type PositionFlags = ArrayLike<boolean | number>;

/** Which positions of a sequence may be masked. */
export interface EligibilityOptions {
  /**
   * Per-position flag, truthy = may be masked. Pass the attention mask here so padding is
   * never masked, or a hand-made mask to protect a prompt. Must have the sequence's length.
   */
  readonly eligible?: PositionFlags;
  /** Token ids that are never masked wherever they occur (BOS/EOS, PAD, CLS/SEP, the mask token itself). */
  readonly specialIds?: Iterable<number>;
}

/**
 * The 0/1 eligibility of each position of `ids`: eligible when the caller's `eligible`
 * flag (if any) is set and the id is not special. Samplers mask only eligible positions,
 * which is how MARIA keeps special tokens and padding out of the loss.
 */
export function eligiblePositions(ids: ArrayLike<number>, options: EligibilityOptions = {}): Uint8Array {
  const { eligible } = options;
  if (eligible !== undefined && eligible.length !== ids.length) {
    throw new ShapeMismatchError('eligible flags', [eligible.length], [ids.length]);
  }
  const special = new Set(options.specialIds ?? []);
  const result = new Uint8Array(ids.length);
  for (let position = 0; position < ids.length; position++) {
    const allowed = eligible === undefined || Boolean(eligible[position]);
    result[position] = allowed && !special.has(ids[position] as number) ? 1 : 0;
  }
  return result;
}

/**
 * Every special id a tokenizer declares (BOS, EOS, mask, pad, CLS, SEP), deduplicated,
 * for `specialIds`. GPT-2 style vocabularies reuse one id for several roles.
 */
export function specialIdsOf(specialTokens: SpecialTokenIds): number[] {
  const ids = [specialTokens.bos, specialTokens.eos, specialTokens.mask, specialTokens.pad, specialTokens.cls, specialTokens.sep];
  return [...new Set(ids.filter((id): id is number => id !== undefined))];
}

/** Indices of the truthy entries of `flags`, ascending. */
export function positionsOf(flags: PositionFlags): number[] {
  const positions: number[] = [];
  for (let position = 0; position < flags.length; position++) if (flags[position]) positions.push(position);
  return positions;
}
