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
