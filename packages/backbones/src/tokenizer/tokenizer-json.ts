/**
 * The parts of a Hugging Face `tokenizer.json` this package reads itself. The full object is
 * handed to `@huggingface/tokenizers`, which interprets normalizers, pre-tokenizers and
 * decoders; we only need the model's vocabulary and merges (for the fingerprint) and the
 * added tokens (to find special tokens when no tokenizer_config.json says which they are).
 */
export interface TokenizerJson {
  readonly model: {
    readonly type?: string;
    readonly vocab?: Readonly<Record<string, number>> | readonly unknown[];
    /** `"a b"` strings (format 0.x) or `["a", "b"]` pairs (newer files). */
    readonly merges?: readonly (string | readonly [string, string])[];
    readonly [key: string]: unknown;
  };
  readonly added_tokens?: readonly AddedTokenJson[];
  readonly [key: string]: unknown;
}

/** One entry of `added_tokens` in tokenizer.json. */
export interface AddedTokenJson {
  readonly id: number;
  readonly content: string;
  readonly special?: boolean;
  readonly single_word?: boolean;
  readonly lstrip?: boolean;
  readonly rstrip?: boolean;
  readonly normalized?: boolean;
}

/** Merges as pairs, whichever of the two formats the file uses. */
export function mergePairs(merges: TokenizerJson['model']['merges']): [string, string][] {
  return (merges ?? []).map((merge) => {
    if (typeof merge !== 'string') return [merge[0], merge[1]];
    const space = merge.indexOf(' ');
    return [merge.slice(0, space), merge.slice(space + 1)];
  });
}
