import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { type Tokenizer } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';

/**
 * The package's asset folder. Resolved from this module's own location, so it works from
 * source (tests, `tsx`), from `dist/` and from an installed package alike.
 */
export const MODEL_TINY_ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');

/** Absolute path of the tiny model's tokenizer.json. */
export const TINY_TOKENIZER_FILE = path.join(MODEL_TINY_ASSETS, 'tokenizer.json');

/** Special-token ids of the tiny vocabulary (see the README's table). */
export const TINY_SPECIAL_TOKENS = { endOfText: 8189, mask: 8190, pad: 8191 } as const;

/**
 * Loads the tiny tokenizer (8,192 byte-level BPE ids) with its tokenizer_config.json, so
 * decoding keeps spaces exactly (`clean_up_tokenization_spaces: false`).
 */
export async function loadTinyTokenizer(): Promise<Tokenizer> {
  return loadTokenizer(MODEL_TINY_ASSETS);
}
