import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SpecialTokenIds } from '@maria-ts/core';
import { CheckpointError } from '@maria-ts/core';
import { assertRegularFile } from '../io/assert-regular-file.js';
import { pathExists } from '../io/path-exists.js';
import { readJsonFile } from '../io/read-json-file.js';
import { addedTokensFromConfig, byteLevelBpeTokenizerJson, parseMergesText, validateVocabJson } from './byte-level-bpe.js';
import { HuggingFaceTokenizer } from './hugging-face-tokenizer.js';
import { specialTokenContent } from './special-tokens.js';
import type { TokenizerJson } from './tokenizer-json.js';

/** The files a Hugging Face checkpoint may carry to describe its tokenizer. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt'] as const;

export interface LoadTokenizerOptions {
  /** Explicit special-token ids; they win over the config files. */
  readonly specialTokens?: Partial<SpecialTokenIds>;
  /** See `HuggingFaceTokenizerOptions.cleanUpTokenizationSpaces`. */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/**
 * Loads a tokenizer from a checkpoint directory or a tokenizer.json file.
 * - `tokenizer.json` is used when present (a file path may have any name, e.g. OLMo's
 *   `allenai_dolma2.json`);
 * - otherwise `vocab.json` + `merges.txt` are turned into the equivalent byte-level BPE;
 * - `tokenizer_config.json` and `special_tokens_map.json` beside it, when present, name
 *   bos/eos/mask/pad/cls/sep (see `resolveSpecialTokens` for the fallback).
 * Nothing usable is a `CheckpointError` listing the files looked for.
 */
export async function loadTokenizer(dirOrFile: string, options: LoadTokenizerOptions = {}): Promise<HuggingFaceTokenizer> {
  const isDirectory = await stat(dirOrFile).then(
    (stats) => stats.isDirectory(),
    () => {
      throw new CheckpointError(dirOrFile, 'no such tokenizer file or directory');
    },
  );
  const directory = isDirectory ? dirOrFile : dirname(dirOrFile);
  const tokenizerFile = isDirectory ? join(directory, 'tokenizer.json') : dirOrFile;
  const tokenizerConfig = await readOptionalJsonObject(join(directory, 'tokenizer_config.json'));
  const specialTokensMap = await readOptionalJsonObject(join(directory, 'special_tokens_map.json'));
  let json: TokenizerJson;
  let source = tokenizerFile;
  if (await pathExists(tokenizerFile)) {
    json = (await readJsonFile(tokenizerFile)) as TokenizerJson;
  } else if ((await pathExists(join(directory, 'vocab.json'))) && (await pathExists(join(directory, 'merges.txt')))) {
    source = join(directory, 'vocab.json');
    json = await byteLevelBpeFromFiles(directory, tokenizerConfig?.json, specialTokensMap?.json);
  } else {
    throw new CheckpointError(directory, 'no tokenizer found (looked for tokenizer.json, or vocab.json with merges.txt)');
  }
  return new HuggingFaceTokenizer(json, {
    source,
    overrides: options.specialTokens,
    tokenizerConfig,
    specialTokensMap,
    cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces,
  });
}

/** True when `dir` holds something `loadTokenizer` can use. */
export async function hasTokenizerFiles(dir: string): Promise<boolean> {
  return (await pathExists(join(dir, 'tokenizer.json'))) || ((await pathExists(join(dir, 'vocab.json'))) && (await pathExists(join(dir, 'merges.txt'))));
}

async function byteLevelBpeFromFiles(directory: string, config: Readonly<Record<string, unknown>> | undefined, specialTokensMap: Readonly<Record<string, unknown>> | undefined): Promise<TokenizerJson> {
  const vocabFile = join(directory, 'vocab.json');
  const mergesFile = join(directory, 'merges.txt');
  const vocab = validateVocabJson(vocabFile, await readJsonFile(vocabFile));
  await assertRegularFile(mergesFile, 'merges file');
  const merges = parseMergesText(mergesFile, await readFile(mergesFile, 'utf8'));
  for (const [index, [left, right]] of merges.entries()) {
    if (!(left in vocab) || !(right in vocab) || !(`${left}${right}` in vocab)) {
      throw new CheckpointError(mergesFile, `merge ${index + 1} '${left} ${right}' uses or makes a symbol missing from vocab.json`);
    }
  }
  const unknown = specialTokenContent(config?.unk_token) ?? specialTokenContent(specialTokensMap?.unk_token);
  let addedTokens = addedTokensFromConfig(config);
  if (addedTokens.length === 0) {
    // Older configs have no added_tokens_decoder: treat the named special tokens as added.
    const named = Object.entries({ ...specialTokensMap, ...config })
      .filter(([key]) => key.endsWith('_token'))
      .map(([, value]) => specialTokenContent(value))
      .filter((content): content is string => content !== undefined && content in vocab);
    addedTokens = [...new Set(named)].map((content) => ({ id: vocab[content]!, content, special: true, normalized: false }));
  }
  return byteLevelBpeTokenizerJson(vocab, merges, {
    addPrefixSpace: config?.add_prefix_space === true,
    unknownToken: unknown !== undefined && unknown in vocab ? unknown : undefined,
    addedTokens,
  });
}

async function readOptionalJsonObject(file: string): Promise<{ file: string; json: Record<string, unknown> } | undefined> {
  if (!(await pathExists(file))) return undefined;
  const json = await readJsonFile(file);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CheckpointError(file, 'is not a JSON object');
  return { file, json: json as Record<string, unknown> };
}
