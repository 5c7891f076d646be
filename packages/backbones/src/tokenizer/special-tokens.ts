import type { SpecialTokenIds } from '@maria-ts/core';
import { CheckpointError } from '@maria-ts/core';
import type { AddedTokenJson } from './tokenizer-json.js';

/** The special-token roles MARIA uses, with their key in tokenizer_config.json. */
export const SPECIAL_TOKEN_ROLES = ['bos', 'eos', 'mask', 'pad', 'cls', 'sep'] as const;
export type SpecialTokenRole = (typeof SPECIAL_TOKEN_ROLES)[number];

/**
 * Well-known spellings of each role, tried only among the tokenizer's *special* added tokens
 * and only for roles that no config file names. A bare tokenizer.json (e.g. GPT-2's or
 * OLMo's, shipped without tokenizer_config.json) still gets its `<|endoftext|>` as BOS/EOS.
 */
const CONVENTIONAL_NAMES: Readonly<Record<SpecialTokenRole, readonly string[]>> = {
  bos: ['<|endoftext|>', '<|begin_of_text|>', '<s>', '<bos>'],
  eos: ['<|endoftext|>', '<|end_of_text|>', '</s>', '<eos>'],
  mask: ['[MASK]', '<mask>', '<|mask|>'],
  pad: ['[PAD]', '<pad>', '<|padding|>', '<|pad|>'],
  cls: ['[CLS]'],
  sep: ['[SEP]'],
};

/** Where special tokens may be named, from strongest to weakest. */
export interface SpecialTokenSources {
  /** Explicit ids given by the caller; they win over every file. */
  readonly overrides?: Partial<SpecialTokenIds>;
  /** tokenizer_config.json, and the file it came from (for error messages). */
  readonly tokenizerConfig?: { readonly file: string; readonly json: Readonly<Record<string, unknown>> };
  /** special_tokens_map.json. */
  readonly specialTokensMap?: { readonly file: string; readonly json: Readonly<Record<string, unknown>> };
  /** Added tokens of tokenizer.json, for the conventional-name fallback. */
  readonly addedTokens?: readonly AddedTokenJson[];
}

/**
 * Resolves the ids of bos/eos/mask/pad/cls/sep. A config that names a token absent from the
 * vocabulary is a `CheckpointError`: silently dropping it would, for instance, leave an MLM
 * without its mask token. A role named `null` in a config stays undefined (no fallback).
 */
export function resolveSpecialTokens(tokenToId: (token: string) => number | undefined, sources: SpecialTokenSources): SpecialTokenIds {
  const resolved: { -readonly [Role in SpecialTokenRole]?: number } = {};
  for (const role of SPECIAL_TOKEN_ROLES) {
    const override = sources.overrides?.[role];
    if (override !== undefined) {
      resolved[role] = override;
      continue;
    }
    let decided = false;
    for (const source of [sources.tokenizerConfig, sources.specialTokensMap]) {
      if (source === undefined || !(`${role}_token` in source.json)) continue;
      const content = specialTokenContent(source.json[`${role}_token`]);
      decided = true;
      if (content === undefined) break;
      const id = tokenToId(content);
      if (id === undefined) throw new CheckpointError(source.file, `${role}_token ${JSON.stringify(content)} is not in the vocabulary`);
      resolved[role] = id;
      break;
    }
    if (decided) continue;
    const special = (sources.addedTokens ?? []).filter((token) => token.special === true);
    const match = CONVENTIONAL_NAMES[role].map((name) => special.find((token) => token.content === name)).find((token) => token !== undefined);
    if (match !== undefined) resolved[role] = match.id;
  }
  return resolved;
}

/** A special token in a config is a string, an `{content}` object, or null (→ undefined). */
export function specialTokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}
