import { SENTENCES_PER_DOCUMENT, type TextDocumentFormat } from './document-format.js';
import { detokenizeArticle, detokenizePtbSentences, normalizeLine } from './normalize-text.js';

/** A top-level WikiText heading (` = Title = `), which starts a new article. */
const ARTICLE_HEADING = /^= [^=].* =$/;

/**
 * Cuts a stream of lines into normalised documents following `format` (see `DocumentFormat`).
 * Lines are normalised with `normalizeLine`; with `detokenize`, a WikiText article goes through
 * `detokenizeArticle` (the evaluation's WikiText reading) and a group of `sentences` through
 * `detokenizePtbSentences`. Without it, WikiText lines are trimmed and kept as they are and
 * sentences are joined with a space. Documents that are empty after normalisation are skipped.
 */
export async function* splitDocuments(lines: AsyncIterable<string>, format: TextDocumentFormat, options: { detokenize: boolean }): AsyncGenerator<string> {
  let current: string[] = [];
  const flush = () => {
    const group = current;
    current = [];
    if (format === 'wikitext') return options.detokenize ? detokenizeArticle(group) : group.map((line) => line.trim()).join('\n');
    if (format === 'sentences') return options.detokenize ? detokenizePtbSentences(group) : group.map((line) => line.trim()).join(' ');
    return group.join('\n');
  };
  function* emit(): Generator<string> {
    const document = flush();
    if (document !== '') yield document;
  }
  for await (const rawLine of lines) {
    const line = normalizeLine(rawLine);
    const blank = line.trim() === '';
    if (format === 'lines') {
      if (!blank) yield line.trim();
      continue;
    }
    if (format === 'paragraphs') {
      if (blank) {
        if (current.length > 0) yield* emit();
      } else {
        current.push(line.trimEnd());
      }
      continue;
    }
    if (blank) continue;
    if (format === 'sentences') {
      current.push(line);
      if (current.length === SENTENCES_PER_DOCUMENT) yield* emit();
      continue;
    }
    // wikitext
    if (ARTICLE_HEADING.test(line.trim()) && current.length > 0) yield* emit();
    current.push(line);
  }
  if (current.length > 0) yield* emit();
}
