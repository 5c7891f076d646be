import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidArgumentError } from '@maria-ts/core';

/**
 * How a text file is cut into documents (the unit of the train/validation split and of the
 * `<|endoftext|>` separators):
 * - `wikitext`: WikiText's tokenized form; a document is an article, which starts at a
 *   top-level heading line ` = Title = `; blank lines are dropped.
 * - `paragraphs`: documents are separated by one or more blank lines; line breaks inside a
 *   document are kept.
 * - `lines`: every non-blank line is a document.
 * - `sentences`: one Penn-Treebank-tokenized sentence a line (the Brown corpus's plain form);
 *   every `SENTENCES_PER_DOCUMENT` consecutive non-blank lines make one paragraph-long document.
 */
export type TextDocumentFormat = 'wikitext' | 'paragraphs' | 'lines' | 'sentences';

/** How many consecutive sentences of a `sentences` file make one document. */
export const SENTENCES_PER_DOCUMENT = 20;

/**
 * Every per-file format, the text ones plus the record files whose documents are their records:
 * - `jsonl`: one JSON object per line, the document is its string `text` field;
 * - `parquet`: the document is a row's `text` column (the layout FineWeb-Edu ships in).
 * Record files are recognised by extension, whatever `--format` says, since `--format` only
 * chooses how plain text is cut.
 */
export type DocumentFormat = TextDocumentFormat | 'jsonl' | 'parquet';

/** Every value `DocumentFormat` takes, for the manifest schema. */
export const FILE_FORMATS = ['wikitext', 'paragraphs', 'lines', 'sentences', 'jsonl', 'parquet'] as const;

/** Extensions read as plain text (cut by `--format`). */
const TEXT_EXTENSIONS = ['.txt', '.text', '.tokens', '.raw', '.md'] as const;

/** The record file format of an extension, if it is one. */
const RECORD_EXTENSIONS: Readonly<Record<string, DocumentFormat>> = { '.jsonl': 'jsonl', '.parquet': 'parquet' };

/** The formats, plus `auto` (see `detectDocumentFormat`). */
export const DOCUMENT_FORMATS = ['auto', 'wikitext', 'paragraphs', 'lines', 'sentences'] as const;
export type DocumentFormatChoice = (typeof DOCUMENT_FORMATS)[number];

/** How many ``` `` ``` in the first MiB of a file without blank lines make `auto` read it as `sentences`. */
export const PTB_QUOTES_FOR_SENTENCES = 10;

/** How much of a file `detectDocumentFormat` looks at. */
const SNIFF_BYTES = 1 << 20;

/** Validates a `--format` value. */
export function parseDocumentFormat(value: string): DocumentFormatChoice {
  if ((DOCUMENT_FORMATS as readonly string[]).includes(value)) return value as DocumentFormatChoice;
  throw new InvalidArgumentError('format', value, DOCUMENT_FORMATS.join(' | '));
}

/**
 * The `auto` rule: a `.tokens` file is WikiText; otherwise a file whose first MiB contains a
 * blank line is `paragraphs`; one without is `sentences` when that MiB holds at least
 * `PTB_QUOTES_FOR_SENTENCES` Penn Treebank opening quotes (``` `` ```), and `lines` otherwise.
 * On the shared training files this gives: wikitext2_train.tokens → wikitext (articles),
 * moby_dick.txt → paragraphs, sotu_1790_2021.txt → lines (one address per line),
 * brown_corpus_plain.txt → sentences (one tokenized sentence per line).
 */
export async function detectDocumentFormat(path: string): Promise<TextDocumentFormat> {
  if (path.endsWith('.tokens')) return 'wikitext';
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    if (/\n[ \t]*\r?\n/.test(head) || /^[ \t]*\r?\n/.test(head)) return 'paragraphs';
    return (head.match(/``/g)?.length ?? 0) >= PTB_QUOTES_FOR_SENTENCES ? 'sentences' : 'lines';
  } finally {
    await handle.close();
  }
}

/**
 * The format of one input file: `.jsonl` and `.parquet` are record files whatever `choice` is;
 * a text extension (`.txt .text .tokens .raw .md`) is cut by `choice` (`auto`: see
 * `detectDocumentFormat`). Any other extension is refused, so a stray binary or JSON file in an
 * input folder stops the build with a one-line error instead of being tokenized as text.
 */
export async function fileFormatOf(path: string, choice: DocumentFormatChoice): Promise<DocumentFormat> {
  const extension = extname(path).toLowerCase();
  const record = RECORD_EXTENSIONS[extension];
  if (record !== undefined) return record;
  if (!(TEXT_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new InvalidArgumentError('--input', path, `a file ending in ${[...TEXT_EXTENSIONS, ...Object.keys(RECORD_EXTENSIONS)].join(' ')}`);
  }
  return choice === 'auto' ? detectDocumentFormat(path) : choice;
}
