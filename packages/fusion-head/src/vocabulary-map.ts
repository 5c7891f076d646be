import { type Tokenizer, TokenizerMismatchError } from '@maria-ts/core';
import { baseVocabulary, type TokenizerJson } from '@maria-ts/backbones';
import { assertTokenizersPair } from './tokenizer-compatibility.js';

/**
 * Where each id of the head's tokenizer (the AR's) sits in another tokenizer (the MLM's),
 * matched by token string. `toOther[i]` is the other tokenizer's id of head token `i`, or -1
 * when the other has no such token: that head id is *banned* (it has no MLM expert and must
 * never be produced or scored). `identity` is true when every head id is the same id on
 * both sides, i.e. the pair already passes `assertTokenizersPair` and no map is needed.
 */
export interface VocabularyMap {
  readonly identity: boolean;
  readonly toOther: Int32Array;
  /** Head ids with no counterpart in the other tokenizer, ascending. */
  readonly banned: readonly number[];
}

/** The map of a tokenizer to itself (or to one that pairs with it): every id is its own, nothing banned. */
export function identityVocabularyMap(vocabSize: number): VocabularyMap {
  return { identity: true, toOther: Int32Array.from({ length: vocabSize }, (_, id) => id), banned: [] };
}

function jsonOf(tokenizer: Tokenizer): TokenizerJson | undefined {
  const json = (tokenizer as { json?: TokenizerJson }).json;
  return typeof json === 'object' && json !== null && typeof json.model === 'object' ? json : undefined;
}

/** The defined pieces of a base vocabulary as a set, or null when a piece is listed twice. */
function pieceSet(pieces: readonly (string | undefined)[]): Set<string> | null {
  const set = new Set<string>();
  for (const piece of pieces) {
    if (piece === undefined) continue;
    if (set.has(piece)) return null;
    set.add(piece);
  }
  return set;
}

/** True when both base vocabularies hold the same pieces (ids aside) and the same merges in the same order. */
function samePiecesAndMerges(head: TokenizerJson, other: TokenizerJson): boolean {
  const [left, right] = [baseVocabulary(head), baseVocabulary(other)];
  if (left.merges.length !== right.merges.length) return false;
  for (let rank = 0; rank < left.merges.length; rank++) {
    const [a, b] = [left.merges[rank], right.merges[rank]];
    if (a?.[0] !== b?.[0] || a?.[1] !== b?.[1]) return false;
  }
  const [leftSet, rightSet] = [pieceSet(left.pieces), pieceSet(right.pieces)];
  if (!leftSet || !rightSet || leftSet.size !== rightSet.size) return false;
  for (const piece of leftSet) if (!rightSet.has(piece)) return false;
  return true;
}

/**
 * The vocabulary map from `head` (the tokenizer whose ids the fusion head emits, the AR's) to
 * `other` (the MLM's), for pairs such as GPT-2 ↔ RoBERTa-style tokenizers that hold the same
 * tokens at different ids. The rule:
 * - a pair that passes `assertTokenizersPair` gets the identity map (nothing banned);
 * - otherwise both must be Hugging Face tokenizers whose base vocabularies (the model's
 *   pieces, without added tokens) are the same *set* of strings, each listed once, and whose
 *   merges are the same string pairs in the same rank order, so both segment every text
 *   into the same token strings; only the ids are permuted. Each head id `i` then maps to
 *   `other.tokenToId(head.idToToken(i))`; head ids whose token the other lacks (added
 *   tokens such as `<|endoftext|>` absent from the MLM) map to -1 and are banned;
 * - anything else is refused with `assertTokenizersPair`'s `TokenizerMismatchError`, which
 *   names the first differing token (id and both strings) or merge.
 */
export function vocabularyMap(head: Tokenizer, other: Tokenizer, headName: string, otherName: string): VocabularyMap {
  const identityMap = () => identityVocabularyMap(head.vocabSize);
  if (head.fingerprint() === other.fingerprint()) return identityMap();
  const [headJson, otherJson] = [jsonOf(head), jsonOf(other)];
  if (!headJson || !otherJson || !samePiecesAndMerges(headJson, otherJson)) {
    assertTokenizersPair(head, other, headName, otherName);
    return identityMap();
  }
  const toOther = new Int32Array(head.vocabSize);
  const banned: number[] = [];
  let identity = true;
  for (let id = 0; id < head.vocabSize; id++) {
    const token = head.idToToken(id);
    const mapped = token === undefined ? undefined : other.tokenToId(token);
    if (mapped === undefined) {
      toOther[id] = -1;
      banned.push(id);
      identity = false;
    } else {
      toOther[id] = mapped;
      if (mapped !== id) identity = false;
    }
  }
  if (banned.length === head.vocabSize) throw new TokenizerMismatchError(headName, otherName, 'no token of the head is in the other tokenizer');
  return { identity, toOther, banned };
}
