import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError, writeFileAtomic } from '@maria-ts/core';
import { sha256OfFile } from '../corpus/file-hash.js';
import { readBpeSource } from './bpe-source.js';
import { DEFAULT_TOKENIZER_PATH, tokenizerFromText, type LoadedTokenizer } from './load-tokenizer.js';
import { END_OF_TEXT_TOKEN, MASK_TOKEN, PAD_TOKEN, TINY_MERGE_COUNT, TINY_SPECIAL_TOKENS } from './special-tokens.js';
import { tokenizerConfigFor, tokenizerJsonFor } from './tokenizer-json.js';
import { measureTokenization, type TokenizationStatistics } from './tokens-per-word.js';
import { truncateByteLevelBpe } from './truncate-bpe.js';

/** The WikiText-2 raw test split, on which tokens per word are reported (ARCHITECTURE.md §4). */
export const EVALUATION_TEXT_IN_DATA = 'eval/wikitext2_raw_test.txt';

export interface BuildTokenizerOptions {
  /** A BPE tokenizer.json, or a folder holding one (GPT-2's for the embedded model). */
  readonly source: string;
  /** How many of the source's merges to keep. Default 7933, which makes 8192 ids. */
  readonly mergeCount?: number;
  /** Where to write tokenizer.json; tokenizer_config.json and tokenizer.stats.json go beside it. */
  readonly out?: string;
  /** A text file on which to report tokens per word, for this tokenizer and the source. */
  readonly evaluationText: string;
}

type TokenizerFigures = Omit<TokenizationStatistics, 'lines' | 'words' | 'characters'>;

/** What `maria-train tokenizer` prints and writes to tokenizer.stats.json. Deterministic: rebuilding gives the same bytes. */
export interface TokenizerBuildReport {
  readonly recipe: string;
  readonly tokenizer: {
    readonly file: string;
    readonly sha256: string;
    readonly fingerprint: string;
    readonly vocabSize: number;
    readonly byteTokens: number;
    readonly merges: number;
    readonly specialTokens: Readonly<Record<string, number>>;
    /** Whether every id below 256 + merges equals the source's id for the same token. */
    readonly idsMatchSource: boolean;
  };
  readonly source: { readonly file: string; readonly sha256: string; readonly vocabSize: number; readonly merges: number };
  readonly evaluation: {
    readonly file: string;
    readonly sha256: string;
    readonly lines: number;
    readonly words: number;
    readonly characters: number;
    readonly tokenizer: TokenizerFigures;
    readonly source: TokenizerFigures;
  };
}

const figuresOf = ({ tokens, tokensPerWord, charactersPerToken, roundTripFailures }: TokenizationStatistics): TokenizerFigures => ({
  tokens,
  tokensPerWord: Number(tokensPerWord.toFixed(6)),
  charactersPerToken: Number(charactersPerToken.toFixed(6)),
  roundTripFailures,
});

/** Checks what the built file must satisfy once loaded by `@huggingface/tokenizers`: contiguous ids and the specials at the end. */
function checkLoadedTokenizer(loaded: LoadedTokenizer, expectedTokens: readonly string[]): void {
  if (loaded.vocabSize !== expectedTokens.length) {
    throw new CheckpointError(loaded.path, `loads with ${loaded.vocabSize} ids, expected ${expectedTokens.length}`);
  }
  expectedTokens.forEach((token, id) => {
    if (loaded.idToToken(id) !== token) {
      throw new CheckpointError(loaded.path, `id ${id} loads as ${JSON.stringify(loaded.idToToken(id))}, expected ${JSON.stringify(token)}: ids are not contiguous`);
    }
  });
}

/**
 * Builds the tiny tokenizer (ARCHITECTURE.md §2.3): GPT-2's 256 byte tokens and its
 * first `mergeCount` merges plus `<|endoftext|>`, `[MASK]` and `[PAD]`, which for the default
 * 7933 merges is exactly 8192 ids. The file is checked by loading it with
 * `@huggingface/tokenizers` (ids contiguous, exact round trip on the evaluation text) before
 * anything is written, and every output is written atomically.
 */
export async function buildTinyTokenizer(options: BuildTokenizerOptions): Promise<TokenizerBuildReport> {
  const sourcePath = options.source;
  const mergeCount = options.mergeCount ?? TINY_MERGE_COUNT;
  const out = options.out ?? DEFAULT_TOKENIZER_PATH;
  const evaluationPath = options.evaluationText;

  const source = await readBpeSource(sourcePath);
  const bpe = truncateByteLevelBpe(source, mergeCount, TINY_SPECIAL_TOKENS);
  const text = `${JSON.stringify(tokenizerJsonFor(source, bpe), null, 2)}\n`;
  const tokenizer = tokenizerFromText(out, text);
  checkLoadedTokenizer(tokenizer, bpe.tokens);
  const sourceTokenizer = tokenizerFromText(source.path, await readFile(source.path, 'utf8'));

  const tiny = await measureTokenization(tokenizer, evaluationPath);
  if (tiny.roundTripFailures > 0) {
    throw new CheckpointError(out, `decode(encode(line)) differs from the line on ${tiny.roundTripFailures} of ${tiny.lines} lines of ${evaluationPath}`);
  }
  const reference = await measureTokenization(sourceTokenizer, evaluationPath);

  const report: TokenizerBuildReport = {
    recipe: `byte-level BPE: the 256 byte tokens and the first ${mergeCount} merges of ${basename(dirname(source.path))}/${basename(source.path)}, then ${TINY_SPECIAL_TOKENS.join(', ')}`,
    tokenizer: {
      file: basename(out),
      sha256: tokenizer.sha256,
      fingerprint: tokenizer.fingerprint,
      vocabSize: tokenizer.vocabSize,
      byteTokens: 256,
      merges: mergeCount,
      specialTokens: Object.fromEntries(TINY_SPECIAL_TOKENS.map((token) => [token, bpe.tokens.indexOf(token)])),
      idsMatchSource: bpe.idsMatchSource,
    },
    source: { file: `${basename(dirname(source.path))}/${basename(source.path)}`, sha256: source.sha256, vocabSize: sourceTokenizer.vocabSize, merges: source.merges.length },
    evaluation: {
      file: basename(evaluationPath),
      sha256: await sha256OfFile(evaluationPath),
      lines: tiny.lines,
      words: tiny.words,
      characters: tiny.characters,
      tokenizer: figuresOf(tiny),
      source: figuresOf(reference),
    },
  };

  await writeFileAtomic(out, text);
  await writeFileAtomic(join(dirname(out), 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfigFor(END_OF_TEXT_TOKEN, MASK_TOKEN, PAD_TOKEN), null, 2)}\n`);
  await writeFileAtomic(statsPathFor(out), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** The stats file written beside a tokenizer: `tokenizer.json` → `tokenizer.stats.json`. */
export function statsPathFor(tokenizerPath: string): string {
  return join(dirname(tokenizerPath), `${basename(tokenizerPath).replace(/\.json$/, '')}.stats.json`);
}
