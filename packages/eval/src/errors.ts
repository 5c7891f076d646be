import { defineError } from '@maria-ts/core';

/**
 * A dataset file does not match the format it was read as (a LAMBADA line that is not JSON
 * with a `text` string, an AG News row without three columns, a CoNLL line without a POS
 * column). Carries the file and line so the user can look at the offending record.
 */
export const DatasetFormatError = defineError('DatasetFormat', (source: string, line: number, problem: string) => ({
  message: `${source}:${line}: ${problem}`,
  details: { source, line, problem },
}));

/** A scorer needs a component the model does not have (masked diffusion needs `model.diffusion`). */
export const MissingComponentError = defineError('MissingComponent', (component: string, why: string) => ({
  message: `the model has no ${component}: ${why}`,
  details: { component, why },
}));

/**
 * A masked token the scorer cannot score: the model bans its id (an AR token its MLM has no
 * counterpart for, see fusion-head's `vocabularyMap`), so MARIA gives it probability 0 and its
 * NLL would be +∞. Names the example, the position and the id.
 */
export const UnscorableTargetError = defineError('UnscorableTarget', (example: number, position: number, id: number, why: string) => ({
  message: `masked token ${id} at position ${position} of example ${example} cannot be scored: ${why}`,
  details: { example, position, id, why },
}));
