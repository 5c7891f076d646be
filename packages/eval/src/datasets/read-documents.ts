import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@maria-ts/core';
import { parseAgNews } from './parse-agnews.js';
import { parseLambada } from './parse-lambada.js';
import { parseLines } from './parse-lines.js';
import { parseWikitext, type WikitextOptions } from './parse-wikitext.js';

/** The dataset formats `maria-bench ppl --format` reads. */
export const DATASET_FORMATS = ['wikitext', 'lambada', 'agnews', 'lines'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Narrows a user-supplied name to a `DatasetFormat`, or throws an error listing the known ones. */
export function parseDatasetFormat(name: string): DatasetFormat {
  if ((DATASET_FORMATS as readonly string[]).includes(name)) return name as DatasetFormat;
  throw new InvalidArgumentError('--format', name, `one of ${DATASET_FORMATS.join(', ')}`);
}

export type ParseDocumentsOptions = WikitextOptions & {
  /** Names the input in error messages (usually the file path). */
  readonly source?: string;
};

/**
 * Splits a dataset's text into documents by format: WikiText articles (detokenized),
 * LAMBADA passages, AG News `title description` rows, or one document per line.
 */
export function parseDocuments(text: string, format: DatasetFormat, options: ParseDocumentsOptions = {}): string[] {
  switch (format) {
    case 'wikitext':
      return parseWikitext(text, options);
    case 'lambada':
      return parseLambada(text, options.source);
    case 'agnews':
      return parseAgNews(text, options.source);
    case 'lines':
      return parseLines(text);
  }
}

/** Reads `file` as UTF-8 and splits it into documents (see `parseDocuments`). */
export async function readDocuments(file: string, format: DatasetFormat, options: WikitextOptions = {}): Promise<string[]> {
  return parseDocuments(await readFile(file, 'utf8'), format, { ...options, source: file });
}
