import { createHash } from 'node:crypto';

/** The two splits a corpus is cut into. */
export const SPLITS = ['train', 'val'] as const;
export type SplitName = (typeof SPLITS)[number];

/**
 * Decides the split of one document from its global index (counted over all input files in
 * order, from 0) and the seed: the first four bytes of `sha256("<seed>:<index>")`, read as an
 * unsigned 32-bit integer and divided by 2^32, give a uniform number u, and the document goes
 * to validation when u < `validationFraction`. The decision depends on nothing else, so it is
 * reproducible, independent of batching and of the other documents, and stable when files
 * are appended to the input list.
 */
export function splitOfDocument(documentIndex: number, seed: number, validationFraction: number): SplitName {
  const digest = createHash('sha256').update(`${seed}:${documentIndex}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < validationFraction ? 'val' : 'train';
}
