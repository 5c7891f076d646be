import { parse } from 'csv-parse/sync';
import { DatasetFormatError } from '../errors.js';

/** HTML character references as they survive in AG News: `&lt;`, `&amp;`, `&#39;`, and the bare `#39;` form. */
const ENTITY = /&(lt|gt|amp|quot|apos);|&?#(\d{1,6});/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes AG News's leftover HTML references and its backslash line-break markers. */
export function cleanAgNewsField(field: string): string {
  return field
    .replace(ENTITY, (_, name: string | undefined, code: string | undefined) => (name ? (NAMED[name] ?? '') : String.fromCodePoint(Number(code))))
    .replace(/\\+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Reads the AG News CSV as publicly released (`train.csv`/`test.csv`: no header, three
 * columns `"class","title","description"`, every field double-quoted, `""` for a quote
 * inside a field, commas and line breaks allowed inside quotes) with csv-parse. Each row
 * becomes one document, `title + " " + description`, after `cleanAgNewsField` (the release
 * writes line breaks as a backslash, `dwindling\band` for "dwindling / band", and keeps HTML
 * references such as `#39;`). The class column is read and ignored.
 */
export function parseAgNews(text: string, source = 'agnews'): string[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw new DatasetFormatError(source, line, `not valid CSV: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  return rows.map(({ record, info }) => {
    if (record.length !== 3) throw new DatasetFormatError(source, info.lines, `expected 3 columns (class, title, description), got ${record.length}`);
    const [, title, description] = record as [string, string, string];
    return `${cleanAgNewsField(title)} ${cleanAgNewsField(description)}`.trim();
  });
}
