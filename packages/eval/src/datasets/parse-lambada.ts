import { DatasetFormatError } from '../errors.js';

/**
 * Reads LAMBADA's jsonl (OpenAI's detokenized `lambada_test.jsonl`): one JSON object per
 * line with a `text` string, one document per line. Blank lines are skipped; any other line
 * that is not such an object is a `DatasetFormatError` naming the line.
 */
export function parseLambada(text: string, source = 'lambada'): string[] {
  const documents: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new DatasetFormatError(source, index + 1, 'not a JSON object (expected {"text": ...} per line)');
    }
    const value = typeof record === 'object' && record !== null ? (record as Record<string, unknown>).text : undefined;
    if (typeof value !== 'string') throw new DatasetFormatError(source, index + 1, 'no "text" string field');
    documents.push(value);
  });
  return documents;
}
