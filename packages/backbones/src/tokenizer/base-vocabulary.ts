import { mergePairs, type TokenizerJson } from './tokenizer-json.js';

/**
 * A tokenizer's model without its added tokens: the pieces the model itself segments text
 * into (id → piece; BPE and WordPiece `vocab` objects, Unigram `[piece, score]` lists) and
 * the BPE merges in rank order. Two tokenizers with equal base vocabularies and merges split
 * every text the same way; added and special tokens only sit on top.
 */
export interface BaseVocabulary {
  /** `pieces[id]`, undefined where no piece has that id. */
  readonly pieces: readonly (string | undefined)[];
  readonly merges: readonly (readonly [string, string])[];
}

/** The base vocabulary and merges of a tokenizer.json (see `BaseVocabulary`). */
export function baseVocabulary(json: TokenizerJson): BaseVocabulary {
  const pieces: (string | undefined)[] = [];
  const vocab = json.model.vocab;
  if (Array.isArray(vocab)) {
    vocab.forEach((entry, id) => {
      pieces[id] = Array.isArray(entry) ? String(entry[0]) : String(entry);
    });
  } else if (vocab) {
    for (const [piece, id] of Object.entries(vocab as Readonly<Record<string, number>>)) pieces[id] = piece;
  }
  return { pieces, merges: mergePairs(json.model.merges) };
}
