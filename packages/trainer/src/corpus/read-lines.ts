import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streams a UTF-8 text file line by line (terminators removed; `\r\n` counts as one break), so
 * multi-megabyte corpora are never held as one string. `onBytes` receives the running count of
 * bytes read from disk, for progress reporting.
 */
export async function* readLines(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  if (onBytes) stream.on('data', () => onBytes(stream.bytesRead));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    stream.destroy();
  }
}
