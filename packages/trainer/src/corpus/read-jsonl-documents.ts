import { InvalidArgumentError } from '@maria-ts/core';
import { normalizeDocument } from './normalize-text.js';
import { readLines } from './read-lines.js';

/** How much of a bad line an error message quotes. */
const QUOTED_CHARACTERS = 80;

/**
 * Streams the documents of a JSONL file: one JSON object per line whose string `text` field is
 * the document (other fields, such as FineWeb's `id` or `score`, are ignored). It reads line by
 * line through `readLines`, so memory holds one line plus the stream's 1 MiB buffer whatever the
 * file's size. Blank lines are skipped, as are records whose text is blank after
 * `normalizeDocument`. A line that is not an object with a string `text` is an
 * `InvalidArgumentError` naming the file and its 1-based line number.
 */
export async function* readJsonlDocuments(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string> {
  let lineNumber = 0;
  for await (const line of readLines(path, onBytes)) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = undefined;
    }
    const text = typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as Record<string, unknown>)['text'] : undefined;
    if (typeof text !== 'string') {
      const quoted = line.length > QUOTED_CHARACTERS ? `${line.slice(0, QUOTED_CHARACTERS)}…` : line;
      throw new InvalidArgumentError(`--input ${path} line ${lineNumber}`, quoted, 'a JSON object with a string "text" field');
    }
    const document = normalizeDocument(text);
    if (document !== '') yield document;
  }
}
