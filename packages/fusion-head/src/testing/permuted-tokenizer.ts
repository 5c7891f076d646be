import { HuggingFaceTokenizer, type TokenizerJson } from '@maria-ts/backbones';

type EditableJson = { model: { vocab: Record<string, number> }; added_tokens: Record<string, unknown>[] };

/**
 * A copy of a BPE tokenizer whose base pieces at the ids of each pair in `swaps` are exchanged:
 * the same pieces and merges at permuted ids, as GPT-2 and RoBERTa-style tokenizers are.
 * For tests of `vocabularyMap` and the models built on such pairs.
 */
export function permuteTokenizerIds(tokenizer: HuggingFaceTokenizer, swaps: readonly (readonly [number, number])[]): HuggingFaceTokenizer {
  const json = structuredClone(tokenizer.json) as unknown as EditableJson;
  const byId = new Map(Object.entries(json.model.vocab).map(([piece, id]) => [id, piece]));
  for (const [a, b] of swaps) {
    const [pieceA, pieceB] = [byId.get(a), byId.get(b)];
    if (pieceA === undefined || pieceB === undefined) throw new Error(`no base piece at id ${pieceA === undefined ? a : b}`);
    [json.model.vocab[pieceA], json.model.vocab[pieceB]] = [b, a];
  }
  return new HuggingFaceTokenizer(json as unknown as TokenizerJson);
}

/** A copy of a tokenizer with one more added (special) token, `content`, at the next id: a token another copy lacks. */
export function addTokenizerToken(tokenizer: HuggingFaceTokenizer, content: string): HuggingFaceTokenizer {
  const json = structuredClone(tokenizer.json) as unknown as EditableJson;
  json.added_tokens.push({ id: tokenizer.vocabSize, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
  return new HuggingFaceTokenizer(json as unknown as TokenizerJson);
}
