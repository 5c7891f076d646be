/** Ids of the special tokens MARIA needs; absent ones are `undefined`. */
export interface SpecialTokenIds {
  /** Prepended to the AR input; for GPT-style vocabularies this is `<|endoftext|>`. */
  readonly bos?: number;
  readonly eos?: number;
  /** The MLM's `[MASK]`. */
  readonly mask?: number;
  readonly pad?: number;
  /** BERT-style framing tokens, stripped before aligning MLM states with AR states. */
  readonly cls?: number;
  readonly sep?: number;
}

/**
 * The tokenizer both backbones share. MARIA requires one tokenizer for the AR and the MLM
 * model; `fingerprint()` hashes the vocabulary and merges so a mismatch is refused rather
 * than silently producing garbage.
 */
export interface Tokenizer {
  /** Number of ids the tokenizer can produce (before any model-side padding). */
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokenIds;
  /** Text → ids, without adding special tokens. */
  encode(text: string): number[];
  /** Ids → text. */
  decode(ids: readonly number[]): string;
  /** The surface string of one id (for highlighting), or undefined when out of range. */
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  /** Stable hash of vocabulary and merges (hex). */
  fingerprint(): string;
}
