import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from '@maria-ts/core';
import { sha256Of } from '../corpus/file-hash.js';
import { tokenizerFingerprint } from './fingerprint.js';
import { isRecord, parseJsonText, readJsonFile } from './json-file.js';
import { END_OF_TEXT_TOKEN, MASK_TOKEN, PAD_TOKEN } from './special-tokens.js';

/** Where `maria-train tokenizer` writes the tiny tokenizer, relative to the repository root. */
export const DEFAULT_TOKENIZER_PATH = 'packages/model-tiny/assets/tokenizer.json';

/** How a tokenizer is identified in manifests: the file's bytes and its meaning. */
export interface TokenizerIdentity {
  readonly sha256: string;
  readonly fingerprint: string;
}

/**
 * A tokenizer.json loaded for the training pipeline, with the ids the pipeline needs. Decoding
 * never "cleans up" spaces (see `tokenizerConfigFor`), so `decode(encode(text)) === text`.
 */
export interface LoadedTokenizer extends TokenizerIdentity {
  readonly path: string;
  /** One more than the largest id in the vocabulary or the added tokens. */
  readonly vocabSize: number;
  readonly endOfTextId: number;
  readonly maskId: number | undefined;
  readonly padId: number | undefined;
  idToToken(id: number): string | undefined;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/**
 * Loads a tokenizer.json with `@huggingface/tokenizers`. It must define `<|endoftext|>`, which
 * the corpus pipeline places between documents.
 */
export async function loadTokenizerFile(path: string): Promise<LoadedTokenizer> {
  const { text } = await readJsonFile(path, 'tokenizer', '; build it with `maria-train tokenizer`');
  return tokenizerFromText(path, text);
}

/** Like `loadTokenizerFile` for tokenizer.json text already in memory (`path` is only used in messages and the result). */
export function tokenizerFromText(path: string, text: string): LoadedTokenizer {
  const json = parseJsonText(path, text);
  if (!isRecord(json) || !isRecord(json.model) || !isRecord(json.model.vocab)) throw new CheckpointError(path, 'not a tokenizer.json (no model.vocab)');
  const tokenizer = new HuggingFaceTokenizer(json, { clean_up_tokenization_spaces: false });
  const ids = [...tokenizer.get_vocab(true).values()];
  const vocabSize = ids.reduce((largest, id) => Math.max(largest, id), -1) + 1;
  const endOfTextId = tokenizer.token_to_id(END_OF_TEXT_TOKEN);
  if (endOfTextId === undefined) throw new CheckpointError(path, `the tokenizer has no ${END_OF_TEXT_TOKEN} token, which separates documents`);
  return {
    path,
    sha256: sha256Of(text),
    fingerprint: tokenizerFingerprint(json),
    vocabSize,
    endOfTextId,
    maskId: tokenizer.token_to_id(MASK_TOKEN),
    padId: tokenizer.token_to_id(PAD_TOKEN),
    idToToken: (id) => tokenizer.id_to_token(id),
    encode: (input) => tokenizer.encode(input, { add_special_tokens: false }).ids,
    decode: (tokenIds) => tokenizer.decode([...tokenIds], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
}
