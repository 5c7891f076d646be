import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import { byteLevelAlphabet } from './byte-alphabet.js';
import type { BpeSource, Merge } from './bpe-source.js';

/** A truncated byte-level BPE: `tokens[id]` is the surface of each id, bytes first, then one token per merge, then the specials. */
export interface TruncatedBpe {
  readonly tokens: readonly string[];
  readonly merges: readonly Merge[];
  readonly specialTokens: readonly string[];
  /** True when every kept token has the same id as in the source (GPT-2 numbers merge results 256 + rank, so it is). */
  readonly idsMatchSource: boolean;
}

/**
 * Keeps the 256 byte tokens and the first `mergeCount` merges of a byte-level BPE, then appends
 * `specialTokens`. A BPE applies merges by rank, so the first N merges of a trained vocabulary
 * are themselves a valid, smaller BPE; this function checks that claim instead of assuming it:
 * every merge's two parts must already exist (as a byte or an earlier merge's result), each
 * result must be new, and must be a token of the source vocabulary. Ids are assigned
 * contiguously: bytes 0–255 in the source's order, merge `i` gets 256 + i, specials follow.
 */
export function truncateByteLevelBpe(source: BpeSource, mergeCount: number, specialTokens: readonly string[]): TruncatedBpe {
  if (!Number.isInteger(mergeCount) || mergeCount < 0 || mergeCount > source.merges.length) {
    throw new InvalidArgumentError('merge count', mergeCount, `an integer in [0, ${source.merges.length}] (the source has ${source.merges.length} merges)`);
  }
  const alphabet = byteLevelAlphabet();
  const missingBytes = alphabet.filter((character) => !source.vocab.has(character));
  if (missingBytes.length > 0) {
    throw new CheckpointError(source.path, `not a byte-level BPE: ${missingBytes.length} of the 256 byte tokens are missing (e.g. ${JSON.stringify(missingBytes.slice(0, 5))})`);
  }
  // Bytes keep the source's relative order so that, for GPT-2, ids coincide with the source.
  const tokens = [...alphabet].sort((left, right) => (source.vocab.get(left) ?? 0) - (source.vocab.get(right) ?? 0));
  const known = new Set(tokens);
  const merges = source.merges.slice(0, mergeCount);
  merges.forEach(([left, right], rank) => {
    for (const part of [left, right]) {
      if (!known.has(part)) {
        throw new CheckpointError(source.path, `merge ${rank} (${JSON.stringify(`${left} ${right}`)}) uses ${JSON.stringify(part)}, which is neither a byte nor the result of an earlier merge`);
      }
    }
    const result = left + right;
    if (known.has(result)) throw new CheckpointError(source.path, `merge ${rank} produces ${JSON.stringify(result)}, which already exists`);
    if (!source.vocab.has(result)) throw new CheckpointError(source.path, `merge ${rank} produces ${JSON.stringify(result)}, which is not in the source vocabulary`);
    known.add(result);
    tokens.push(result);
  });
  for (const special of specialTokens) {
    if (known.has(special)) throw new InvalidArgumentError('special token', special, 'a string that is not already a BPE token');
    known.add(special);
    tokens.push(special);
  }
  const idsMatchSource = tokens.slice(0, 256 + mergeCount).every((token, id) => source.vocab.get(token) === id);
  return { tokens, merges, specialTokens: [...specialTokens], idsMatchSource };
}
