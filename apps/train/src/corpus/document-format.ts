import { open } from 'node:fs/promises';
import { InvalidArgumentError } from '@maria-ts/core';

/**
 * How a text file is cut into documents (the unit of the train/validation split and of the
 * `<|endoftext|>` separators):
 * - `wikitext`: WikiText's tokenized form; a document is an article, which starts at a
 *   top-level heading line ` = Title = `; blank lines are dropped.
 * - `paragraphs`: documents are separated by one or more blank lines; line breaks inside a
 *   document are kept.
 * - `lines`: every non-blank line is a document.
 */
export type DocumentFormat = 'wikitext' | 'paragraphs' | 'lines';

/** The formats, plus `auto` (see `detectDocumentFormat`). */
export const DOCUMENT_FORMATS = ['auto', 'wikitext', 'paragraphs', 'lines'] as const;
export type DocumentFormatChoice = (typeof DOCUMENT_FORMATS)[number];

/** How much of a file `detectDocumentFormat` looks at. */
const SNIFF_BYTES = 1 << 20;

/** Validates a `--format` value. */
export function parseDocumentFormat(value: string): DocumentFormatChoice {
  if ((DOCUMENT_FORMATS as readonly string[]).includes(value)) return value as DocumentFormatChoice;
  throw new InvalidArgumentError('format', value, DOCUMENT_FORMATS.join(' | '));
}

/**
 * The `auto` rule: a `.tokens` file is WikiText; otherwise a file whose first MiB contains a
 * blank line is `paragraphs`, and one without is `lines`. On the shared training files this
 * gives: wikitext2_train.tokens → wikitext (articles), moby_dick.txt → paragraphs,
 * sotu_1790_2021.txt → lines (one address per line), brown_corpus_plain.txt → lines (one
 * sentence per line).
 */
export async function detectDocumentFormat(path: string): Promise<DocumentFormat> {
  if (path.endsWith('.tokens')) return 'wikitext';
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    return /\n[ \t]*\r?\n/.test(head) || /^[ \t]*\r?\n/.test(head) ? 'paragraphs' : 'lines';
  } finally {
    await handle.close();
  }
}
