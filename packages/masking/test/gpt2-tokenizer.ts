import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import type { SpecialTokenIds, Tokenizer } from '@maria-ts/core';
import { testDataPath } from '@maria-ts/core/testing';

/** The real GPT-2 tokenizer.json from the repository test data. */
export const GPT2_TOKENIZER_PATH = testDataPath('tokenizers', 'gpt2', 'tokenizer.json');

/**
 * A minimal test adapter from `@huggingface/tokenizers` to core's `Tokenizer`. The real
 * adapter lives in `@maria-ts/backbones`; this package must not depend on it, so tests use
 * this one. GPT-2 has no mask token; `specialTokens` lets a test pretend it has one.
 */
export function loadGpt2Tokenizer(specialTokens: SpecialTokenIds = { bos: 50256, eos: 50256 }): Tokenizer {
  const source = readFileSync(GPT2_TOKENIZER_PATH, 'utf8');
  const inner = new HuggingFaceTokenizer(JSON.parse(source) as object, {});
  const fingerprint = createHash('sha256').update(source).digest('hex');
  return {
    vocabSize: inner.get_vocab(true).size,
    specialTokens,
    encode: (text) => inner.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => inner.decode([...ids]),
    idToToken: (id) => inner.id_to_token(id),
    tokenToId: (token) => inner.token_to_id(token),
    fingerprint: () => fingerprint,
  };
}
