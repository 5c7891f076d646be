import type { Tokenizer } from '@maria-ts/core';
import type { TaggedSentence } from './conll.js';

/** A sentence tokenized for the probe: its ids, and for each kept word the index of its first subword token. */
export interface AlignedSentence {
  readonly ids: readonly number[];
  readonly firstToken: readonly number[];
  /** The tags of the kept words (the first `firstToken.length` words). */
  readonly tags: readonly string[];
}

/**
 * Tokenizes a sentence word by word so that word boundaries are exact: the first word as it
 * is, every later word with one leading space (how a byte-level BPE sees words in running
 * text). Each word's tag is assigned to its first subword token, the usual convention for
 * probing subword models. Words that would take the sentence past `maxTokens` are dropped
 * with everything after them; a word that encodes to nothing is skipped.
 */
export function alignSentence(sentence: TaggedSentence, tokenizer: Tokenizer, maxTokens: number): AlignedSentence {
  const ids: number[] = [];
  const firstToken: number[] = [];
  const tags: string[] = [];
  for (let w = 0; w < sentence.words.length; w++) {
    const pieces = tokenizer.encode(w === 0 ? (sentence.words[w] as string) : ` ${sentence.words[w] as string}`);
    if (pieces.length === 0) continue;
    if (ids.length + pieces.length > maxTokens) break;
    firstToken.push(ids.length);
    tags.push(sentence.tags[w] as string);
    ids.push(...pieces);
  }
  return { ids, firstToken, tags };
}
