import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet } from './byte-alphabet.js';
import type { BpeSource, Merge } from './bpe-source.js';
import { truncateByteLevelBpe } from './truncate-bpe.js';

/** A hand-made byte-level source: the 256 byte tokens (ids 0–255) plus one token per merge, numbered in rank order. */
function sourceWith(merges: Merge[], extraTokens: string[] = merges.map(([left, right]) => left + right)): BpeSource {
  const vocab = new Map(byteLevelAlphabet().map((token, id) => [token, id] as const));
  extraTokens.forEach((token, index) => vocab.set(token, 256 + index));
  return { path: 'synthetic.json', sha256: '', vocab, merges, modelOptions: { type: 'BPE' }, pipeline: { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null } };
}

const specials = ['<|endoftext|>', '[MASK]', '[PAD]'];

describe('truncateByteLevelBpe', () => {
  it('keeps the bytes, the first N merges and the specials, with contiguous ids', () => {
    const source = sourceWith([['a', 'b'], ['ab', 'c'], ['Ġ', 'ab']]);
    const two = truncateByteLevelBpe(source, 2, specials);
    expect(two.tokens).toHaveLength(256 + 2 + 3);
    expect(two.tokens.slice(256)).toEqual(['ab', 'abc', ...specials]);
    expect(two.merges).toEqual([['a', 'b'], ['ab', 'c']]);
    expect(two.idsMatchSource).toBe(true);
    expect(truncateByteLevelBpe(source, 0, []).tokens).toEqual(byteLevelAlphabet());
  });

  it('refuses a merge whose part is produced only by a later (dropped) merge', () => {
    // Merge 0 uses "bc", which only merge 1 creates: not a valid BPE prefix.
    const source = sourceWith([['a', 'bc'], ['b', 'c']]);
    expect(() => truncateByteLevelBpe(source, 2, specials)).toThrow(/merge 0 .* uses "bc"/);
    expect(() => truncateByteLevelBpe(source, 2, specials)).toThrow(CheckpointError);
  });

  it('refuses duplicate results, results missing from the vocabulary, and missing byte tokens', () => {
    expect(() => truncateByteLevelBpe(sourceWith([['a', 'b'], ['a', 'b']], ['ab']), 2, specials)).toThrow(/already exists/);
    expect(() => truncateByteLevelBpe(sourceWith([['a', 'b']], []), 1, specials)).toThrow(/not in the source vocabulary/);
    const missingByte = sourceWith([]);
    (missingByte.vocab as Map<string, number>).delete('Ġ');
    expect(() => truncateByteLevelBpe(missingByte, 0, specials)).toThrow(/1 of the 256 byte tokens are missing/);
  });

  it('reports whether ids coincide with the source', () => {
    const renumbered = sourceWith([['a', 'b']], []);
    (renumbered.vocab as Map<string, number>).set('ab', 999);
    expect(truncateByteLevelBpe(renumbered, 1, specials).idsMatchSource).toBe(false);
  });

  it('rejects merge counts outside the source and specials that collide with tokens', () => {
    const source = sourceWith([['a', 'b']]);
    expect(() => truncateByteLevelBpe(source, 2, specials)).toThrow(InvalidArgumentError);
    expect(() => truncateByteLevelBpe(source, -1, specials)).toThrow(/merge count/);
    expect(() => truncateByteLevelBpe(source, 1, ['ab'])).toThrow(/special token/);
  });
});
