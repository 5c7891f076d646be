import type { MariaModel } from '@maria-ts/core';
import { UnscorableTargetError } from '../errors.js';
import type { MaskedExamples } from './masked-nll.js';

/**
 * Throws `UnscorableTargetError` at the first masked position whose id the model bans (a pair
 * whose MLM lacks some AR tokens, see fusion-head's `vocabularyMap`): MARIA and the MLM
 * baselines give such a token probability 0, so its NLL would be +∞ and the perplexity
 * meaningless. `maskedPerplexityTable` never masks those ids; direct callers get this error.
 */
export function requireScorableTargets(model: MariaModel, examples: MaskedExamples): void {
  const { banned } = model.vocabularyMap;
  if (banned.length === 0) return;
  const bannedIds = new Set(banned);
  examples.ids.forEach((row, example) => {
    const mask = examples.masks[example];
    row.forEach((id, position) => {
      if (mask?.[position] && bannedIds.has(id)) {
        throw new UnscorableTargetError(example, position, id, `the model bans this id (its MLM has no such token), so it has probability 0; leave it unmasked`);
      }
    });
  });
}

/** How many positions of `windows` hold an id the model bans (positions the PPL table never masks). */
export function bannedPositionCount(model: MariaModel, windows: readonly (readonly number[])[]): number {
  const { banned } = model.vocabularyMap;
  if (banned.length === 0) return 0;
  const bannedIds = new Set(banned);
  return windows.reduce((sum, row) => sum + row.filter((id) => bannedIds.has(id)).length, 0);
}
