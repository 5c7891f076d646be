import type { Tokenizer } from '@maria-ts/core';
import { openShards, type TokenShards, tokenizerFingerprint } from '@maria-ts/trainer';

/**
 * Opens token shards for a model, refusing (`TokenizerMismatchError`) a corpus tokenized with
 * another tokenizer: the shards' manifest records the fingerprint of the tokenizer.json they
 * were made with, compared here with the model's own tokenizer.json.
 */
export function openShardsFor(directory: string, tokenizer: Tokenizer): Promise<TokenShards> {
  const json = (tokenizer as { json?: unknown }).json;
  return openShards(directory, json === undefined ? {} : { tokenizer: { fingerprint: tokenizerFingerprint(json) } });
}
