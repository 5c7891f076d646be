import type { DocumentFormat } from './document-format.js';
import { readJsonlDocuments } from './read-jsonl-documents.js';
import { readLines } from './read-lines.js';
import { readParquetDocuments } from './read-parquet-documents.js';
import { splitDocuments } from './split-documents.js';

/**
 * The documents of one input file in its format, as a stream: text files line by line through
 * `splitDocuments`, JSONL record by record, Parquet row group by row group. The one entry point
 * lets the corpus build treat every format alike and keep its memory bounded by a batch of
 * documents, whatever the size of the inputs.
 */
export function readDocuments(path: string, format: DocumentFormat, options: { detokenize: boolean; onBytes?: (bytesRead: number) => void }): AsyncGenerator<string> {
  if (format === 'jsonl') return readJsonlDocuments(path, options.onBytes);
  if (format === 'parquet') return readParquetDocuments(path, options.onBytes);
  return splitDocuments(readLines(path, options.onBytes), format, { detokenize: options.detokenize });
}
