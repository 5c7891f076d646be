import type { TextDocumentFormat } from './document-format.js';
import { detokenizeWikitext, normalizeLine } from './normalize-text.js';

/** A top-level WikiText heading (` = Title = `), which starts a new article. */
const ARTICLE_HEADING = /^= [^=].* =$/;

/**
 * Cuts a stream of lines into normalised documents following `format` (see `DocumentFormat`).
 * Lines are normalised with `normalizeLine` (and `detokenizeWikitext` for WikiText when
 * `detokenize` is set); documents that are empty after normalisation are skipped.
 */
export async function* splitDocuments(lines: AsyncIterable<string>, format: TextDocumentFormat, options: { detokenize: boolean }): AsyncGenerator<string> {
  let current: string[] = [];
  const flush = () => {
    const document = current.join('\n');
    current = [];
    return document;
  };
  for await (const rawLine of lines) {
    const line = normalizeLine(rawLine);
    const blank = line.trim() === '';
    if (format === 'lines') {
      if (!blank) yield line.trim();
      continue;
    }
    if (format === 'paragraphs') {
      if (blank) {
        if (current.length > 0) yield flush();
      } else {
        current.push(line.trimEnd());
      }
      continue;
    }
    // wikitext
    if (blank) continue;
    const trimmed = line.trim();
    if (ARTICLE_HEADING.test(trimmed) && current.length > 0) yield flush();
    current.push(options.detokenize ? detokenizeWikitext(trimmed) : trimmed);
  }
  if (current.length > 0) yield flush();
}
