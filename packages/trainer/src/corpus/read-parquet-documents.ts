import { InvalidArgumentError } from '@maria-ts/core';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { normalizeDocument } from './normalize-text.js';

/** The column whose cells are the documents (FineWeb-Edu's name for the page text). */
const TEXT_COLUMN = 'text';

/**
 * Streams the documents of a Parquet file given as hyparquet's `AsyncBuffer` (byte-range reads),
 * one row group at a time: only the footer and the `text` column chunk of the current row
 * group are read and decoded, so memory holds one row group's texts whatever the file's size
 * (FineWeb-Edu's files have row groups of about a thousand pages). Null cells and cells blank
 * after `normalizeDocument` are skipped. A file without a top-level `text` column, or a
 * non-string cell, is an `InvalidArgumentError` naming `label`. `onBytes` gets, after each row
 * group, the file's size times the share of rows read, for the progress bar.
 */
export async function* readParquetBufferDocuments(file: AsyncBuffer, label: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string> {
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  if (!columns.includes(TEXT_COLUMN)) throw new InvalidArgumentError(`--input ${label}`, columns.join(', '), `a Parquet file with a "${TEXT_COLUMN}" column`);
  const totalRows = Number(metadata.num_rows);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, columns: [TEXT_COLUMN], rowStart, rowEnd });
    for (const [offset, row] of rows.entries()) {
      const cell: unknown = row[TEXT_COLUMN];
      if (cell === null || cell === undefined) continue;
      if (typeof cell !== 'string') throw new InvalidArgumentError(`--input ${label} row ${rowStart + offset}`, typeof cell, `a string in the "${TEXT_COLUMN}" column`);
      const document = normalizeDocument(cell);
      if (document !== '') yield document;
    }
    rowStart = rowEnd;
    onBytes?.(totalRows === 0 ? file.byteLength : Math.round((file.byteLength * rowStart) / totalRows));
  }
}

/** `readParquetBufferDocuments` on a local file, read by byte ranges (never as a whole). */
export async function* readParquetDocuments(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string> {
  yield* readParquetBufferDocuments(await asyncBufferFromFile(path), path, onBytes);
}
