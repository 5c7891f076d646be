import { Tokenizer as TokenizersJs } from '@huggingface/tokenizers';
import type { SpecialTokenIds, Tokenizer } from '@maria-ts/core';
import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import { resolveSpecialTokens, type SpecialTokenSources } from './special-tokens.js';
import { tokenizerFingerprint } from './tokenizer-fingerprint.js';
import { mergePairs, type TokenizerJson } from './tokenizer-json.js';
import { useUnicodeWhiteSpace } from './unicode-white-space.js';

export interface HuggingFaceTokenizerOptions extends Omit<SpecialTokenSources, 'addedTokens'> {
  /** Shown in error messages, e.g. the tokenizer.json path. */
  readonly source?: string;
  /**
   * Apply transformers' `clean_up_tokenization_spaces` in `decode` (" ." → "." and so on).
   * Off by default: MARIA decodes whole sequences it has partly copied from the input, and
   * the clean-up would alter text the user wrote.
   */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/**
 * Core's `Tokenizer` over a Hugging Face tokenizer.json, run by the pure-JS
 * `@huggingface/tokenizers` (BPE, WordPiece, Unigram; byte-level and Metaspace).
 * `encode` never adds special tokens: MARIA frames inputs itself (a BOS before the AR input,
 * CLS/SEP around the MLM input) using `specialTokens`.
 */
export class HuggingFaceTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokenIds;
  /** The tokenizer.json object this tokenizer was built from, e.g. to save it beside a checkpoint. */
  readonly json: TokenizerJson;
  private readonly runtime: TokenizersJs;
  private readonly source: string;
  private readonly cleanUp: boolean;
  private fingerprintCache: string | undefined;

  constructor(json: TokenizerJson, options: HuggingFaceTokenizerOptions = {}) {
    this.source = options.source ?? 'tokenizer.json';
    if (typeof json !== 'object' || json === null || typeof json.model !== 'object' || json.model === null) {
      throw new CheckpointError(this.source, 'tokenizer JSON has no model object');
    }
    const runtimeConfig = { ...(options.tokenizerConfig?.json ?? {}) };
    try {
      this.runtime = new TokenizersJs({ normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [], ...json }, runtimeConfig);
    } catch (error) {
      throw new CheckpointError(this.source, `@huggingface/tokenizers cannot load it: ${(error as Error).message}`);
    }
    useUnicodeWhiteSpace(this.runtime.pre_tokenizer);
    this.json = json;
    this.cleanUp = options.cleanUpTokenizationSpaces ?? false;
    let maxId = -1;
    for (const id of this.runtime.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    this.specialTokens = resolveSpecialTokens((token) => this.runtime.token_to_id(token), { ...options, addedTokens: json.added_tokens ?? [] });
    for (const [role, id] of Object.entries(this.specialTokens)) {
      if (id !== undefined && this.idToToken(id) === undefined) throw new InvalidArgumentError(`special token id for ${role}`, id, `an id in the vocabulary (size ${this.vocabSize})`);
    }
  }

  encode(text: string): number[] {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', text, 'a string');
    const encoding = this.runtime.encode(text, { add_special_tokens: false });
    // The runtime maps a piece with no id and no unknown token to `undefined`.
    const ids: readonly (number | undefined)[] = encoding.ids;
    const unknown = ids.findIndex((id) => typeof id !== 'number');
    if (unknown >= 0) throw new InvalidArgumentError('text', text, `text the tokenizer can encode (piece ${JSON.stringify(encoding.tokens[unknown])} has no id and no unknown token)`);
    return encoding.ids;
  }

  decode(ids: readonly number[]): string {
    if (ids.length === 0) return '';
    for (const id of ids) {
      if (!Number.isInteger(id) || this.runtime.id_to_token(id) === undefined) {
        throw new InvalidArgumentError('token id', id, `an integer id in the vocabulary (0..${this.vocabSize - 1})`);
      }
    }
    return this.runtime.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: this.cleanUp });
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.runtime.id_to_token(id) : undefined;
  }

  tokenToId(token: string): number | undefined {
    return this.runtime.token_to_id(token);
  }

  /** sha256 (hex) of the vocabulary and merges; see `tokenizerFingerprint`. Computed once. */
  fingerprint(): string {
    this.fingerprintCache ??= tokenizerFingerprint(this.runtime.get_vocab(true), mergePairs(this.json.model.merges));
    return this.fingerprintCache;
  }
}
