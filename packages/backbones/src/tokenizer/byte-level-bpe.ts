import { CheckpointError } from '@maria-ts/core';
import type { AddedTokenJson, TokenizerJson } from './tokenizer-json.js';

/**
 * Parses a GPT-2 style `merges.txt`: an optional `#version` line, then one merge per line,
 * two space-separated symbols (byte-level symbols never contain a space). Blank lines are
 * skipped; any other malformed line is a `CheckpointError` with its line number.
 */
export function parseMergesText(file: string, text: string): [string, string][] {
  const merges: [string, string][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.length === 0 || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new CheckpointError(file, `line ${index + 1} is not a merge of two symbols: ${JSON.stringify(line)}`);
    }
    merges.push([parts[0]!, parts[1]!]);
  });
  return merges;
}

/** Checks a parsed `vocab.json`: an object of non-negative integer ids, each id used once. */
export function validateVocabJson(file: string, vocab: unknown): Record<string, number> {
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) throw new CheckpointError(file, 'vocabulary is not a JSON object of token ids');
  const seen = new Map<number, string>();
  for (const [token, id] of Object.entries(vocab as Record<string, unknown>)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) throw new CheckpointError(file, `token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, not a non-negative integer`);
    const previous = seen.get(id as number);
    if (previous !== undefined) throw new CheckpointError(file, `tokens ${JSON.stringify(previous)} and ${JSON.stringify(token)} share id ${String(id)}`);
    seen.set(id as number, token);
  }
  return vocab as Record<string, number>;
}

export interface ByteLevelBpeSettings {
  /** `add_prefix_space` from tokenizer_config.json (GPT-2: false). */
  readonly addPrefixSpace?: boolean;
  /** The unknown token, when the vocabulary has one (GPT-2 itself needs none: every byte is a token). */
  readonly unknownToken?: string;
  /** Added tokens, e.g. from tokenizer_config.json's `added_tokens_decoder`. */
  readonly addedTokens?: readonly AddedTokenJson[];
}

/**
 * Builds, in memory, the tokenizer.json equivalent of a GPT-2 style byte-level BPE given as
 * `vocab.json` + `merges.txt` (what older checkpoints ship instead of tokenizer.json): a BPE
 * model with no subword prefix or suffix, a ByteLevel pre-tokenizer with GPT-2's regex, a
 * ByteLevel decoder, and a ByteLevel post-processor that adds nothing. This is how the
 * Hugging Face "fast" converter describes GPT-2, so both paths encode the same ids.
 */
export function byteLevelBpeTokenizerJson(vocab: Readonly<Record<string, number>>, merges: readonly (readonly [string, string])[], settings: ByteLevelBpeSettings = {}): TokenizerJson {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: settings.addPrefixSpace ?? false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: settings.addedTokens ?? [],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: settings.unknownToken ?? null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: { ...vocab },
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

/**
 * Reads tokenizer_config.json's `added_tokens_decoder` (id → token flags) as tokenizer.json
 * added tokens, so special tokens like `<|endoftext|>` are matched whole before BPE runs.
 */
export function addedTokensFromConfig(config: Readonly<Record<string, unknown>> | undefined): AddedTokenJson[] {
  const decoder = config?.added_tokens_decoder;
  if (typeof decoder !== 'object' || decoder === null) return [];
  const tokens: AddedTokenJson[] = [];
  for (const [id, value] of Object.entries(decoder as Record<string, unknown>)) {
    const entry = value as Partial<AddedTokenJson> | null;
    if (entry === null || typeof entry.content !== 'string' || !/^\d+$/.test(id)) continue;
    tokens.push({
      id: Number(id),
      content: entry.content,
      special: entry.special ?? false,
      single_word: entry.single_word ?? false,
      lstrip: entry.lstrip ?? false,
      rstrip: entry.rstrip ?? false,
      normalized: entry.normalized ?? !(entry.special ?? false),
    });
  }
  return tokens.sort((left, right) => left.id - right.id);
}
