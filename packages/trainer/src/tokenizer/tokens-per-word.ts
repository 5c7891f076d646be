import { readLines } from '../corpus/read-lines.js';

/** How a tokenizer did on one text file. */
export interface TokenizationStatistics {
  readonly lines: number;
  /** Whitespace-separated words. */
  readonly words: number;
  readonly characters: number;
  readonly tokens: number;
  readonly tokensPerWord: number;
  readonly charactersPerToken: number;
  /** Lines whose `decode(encode(line))` differs from the line; 0 means the tokenizer is lossless on this text. */
  readonly roundTripFailures: number;
}

/**
 * Tokenizes a file line by line (each line with its `\n`, which for byte-level BPE gives the
 * same tokens as encoding the whole file unless a line starts with two or more spaces) and
 * counts tokens per whitespace-separated word, the usual measure of how well a vocabulary fits
 * a text. It also checks the exact round trip of every line.
 */
export async function measureTokenization(
  tokenizer: { encode(text: string): number[]; decode(ids: readonly number[]): string },
  path: string,
): Promise<TokenizationStatistics> {
  let lines = 0;
  let words = 0;
  let characters = 0;
  let tokens = 0;
  let roundTripFailures = 0;
  for await (const line of readLines(path)) {
    const text = `${line}\n`;
    const ids = tokenizer.encode(text);
    lines += 1;
    words += text.match(/\S+/g)?.length ?? 0;
    characters += [...text].length;
    tokens += ids.length;
    if (tokenizer.decode(ids) !== text) roundTripFailures += 1;
  }
  return {
    lines,
    words,
    characters,
    tokens,
    tokensPerWord: words === 0 ? 0 : tokens / words,
    charactersPerToken: tokens === 0 ? 0 : characters / tokens,
    roundTripFailures,
  };
}
