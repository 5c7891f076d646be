import { defineError } from '@maria-ts/core';

/**
 * A sequence has no position that may be masked (every position is special, padding or
 * excluded by the caller). MARIA's loss is a mean over masked positions, so such a
 * sequence cannot contribute; we refuse loudly instead of returning an empty mask that
 * would make the loss NaN far from the cause.
 */
export const NoEligiblePositionsError = defineError('NoEligiblePositions', (what: string, length: number) => ({
  message: `${what}: none of its ${length} positions may be masked (all are special, padding or excluded)`,
  details: { what, length },
}));

/** Word-level infilling was asked for, but the text holds no mask marker to fill. */
export const MissingMaskMarkerError = defineError('MissingMaskMarker', (text: string, marker: string) => ({
  message: `no ${marker} marker in the text ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`,
  details: { text, marker },
}));

/** The text to parse is empty or only whitespace. */
export const EmptyTextError = defineError('EmptyText', (text: string) => ({
  message: `the text is empty${text.length > 0 ? ` (only whitespace: ${JSON.stringify(text)})` : ''}`,
  details: { text },
}));

/**
 * Masked positions need an id for the MLM's input, but neither the caller nor the
 * tokenizer's special tokens provide a mask token.
 */
export const MissingMaskTokenError = defineError('MissingMaskToken', (where: string) => ({
  message: `${where}: no mask token id (the tokenizer has no special 'mask' token and no maskTokenId option was given)`,
  details: { where },
}));
