import { type Tokenizer, TokenizerMismatchError } from '@maria-ts/core';
import { baseVocabulary, type TokenizerJson } from '@maria-ts/backbones';

const quote = (token: string | undefined) => (token === undefined ? '(no token)' : JSON.stringify(token));

/** The tokenizer.json behind a tokenizer, when it is a Hugging Face one. */
function jsonOf(tokenizer: Tokenizer): TokenizerJson | undefined {
  const json = (tokenizer as { json?: TokenizerJson }).json;
  return typeof json === 'object' && json !== null && typeof json.model === 'object' ? json : undefined;
}

/** `first differing token` in a message: the id and both strings. */
function firstDifference(what: string, length: number, left: (id: number) => string | undefined, right: (id: number) => string | undefined): string | null {
  for (let id = 0; id < length; id++) {
    const [a, b] = [left(id), right(id)];
    if (a !== b) return `${what} differ at id ${id}: ${quote(a)} vs ${quote(b)}`;
  }
  return null;
}

/**
 * Refuses a tokenizer `other` that cannot serve beside `head`, the tokenizer whose ids the
 * fusion head emits (the AR's: the head's vocabulary is the AR's rows). They pair when
 * - their base vocabularies (the model's pieces, without added tokens) and merges are
 *   identical, so both split every text into the same ids; and
 * - every id the head can emit (`0 … head.vocabSize − 1`) is the same token in both.
 *
 * Extra added or special tokens beyond the head's ids are fine: ModernBERT's tokenizer is
 * OLMo-1's plus `[UNK] [CLS] [SEP] [PAD] [MASK]` and unused slots, and its `[MASK]` stays the
 * MLM's. Anything else is a `TokenizerMismatchError` naming the first differing token (id
 * and both strings) or merge. Tokenizers that are not Hugging Face ones (no tokenizer.json)
 * must have equal fingerprints.
 */
export function assertTokenizersPair(head: Tokenizer, other: Tokenizer, headName: string, otherName: string): void {
  if (head.fingerprint() === other.fingerprint()) return;
  const [headJson, otherJson] = [jsonOf(head), jsonOf(other)];
  if (!headJson || !otherJson) {
    throw new TokenizerMismatchError(headName, otherName, `vocabularies or merges differ (fingerprints ${head.fingerprint().slice(0, 12)} vs ${other.fingerprint().slice(0, 12)})`);
  }
  const [left, right] = [baseVocabulary(headJson), baseVocabulary(otherJson)];
  const difference =
    firstDifference('base vocabularies', Math.max(left.pieces.length, right.pieces.length), (id) => left.pieces[id], (id) => right.pieces[id]) ??
    firstDifference('merges', Math.max(left.merges.length, right.merges.length), (rank) => left.merges[rank]?.join(' '), (rank) => right.merges[rank]?.join(' '))?.replace('at id', 'at rank') ??
    firstDifference('the tokens the head can emit', head.vocabSize, (id) => head.idToToken(id), (id) => other.idToToken(id));
  if (difference !== null) throw new TokenizerMismatchError(headName, otherName, difference);
}
