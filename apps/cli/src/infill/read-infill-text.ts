import { readFile, stat } from 'node:fs/promises';
import { MariaError } from '@maria-ts/core';

/** Largest `--file` (or stdin) text read, in bytes: far past any model's token limit, small enough to read at once. */
export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

/** Where `maria infill` takes its text from: exactly one of `--text` and `--file` (`-` is stdin). */
export interface InfillTextSource {
  readonly text?: string;
  readonly file?: string;
}

const REPLACEMENT_CHARACTER = '\uFFFD';

function argumentError(flag: string, message: string, details: Record<string, unknown> = {}): MariaError {
  return new MariaError('InvalidArgument', message, { name: flag, ...details });
}

/**
 * The text to infill. `--text` comes from argv, which Node has already decoded: invalid
 * UTF-8 bytes arrive as U+FFFD and cannot be told apart, so a `--text` holding U+FFFD is
 * refused rather than silently changed (the server refuses the same bytes with a 400).
 * `--file PATH` and `--file -` (stdin) read raw bytes and decode them strictly, which also
 * lifts the ~128 KiB limit the kernel puts on one argument. Every problem is an
 * `InvalidArgument` error naming the flag (exit 2).
 */
export async function readInfillText(source: InfillTextSource, readStdin: () => Promise<Uint8Array> = readProcessStdin): Promise<string> {
  if ((source.text === undefined) === (source.file === undefined)) {
    throw argumentError('--text', 'give the text with exactly one of --text TEXT or --file PATH (--file - reads stdin)');
  }
  if (source.text !== undefined) {
    const at = source.text.indexOf(REPLACEMENT_CHARACTER);
    if (at >= 0) {
      throw argumentError('--text', `--text is not valid UTF-8 (U+FFFD at character ${at}, what invalid bytes decode to); pass the text with --file PATH or --file - to have its bytes checked`, { index: at });
    }
    return source.text;
  }
  const file = source.file as string;
  const bytes = file === '-' ? await readStdin() : await readTextFile(file);
  if (bytes.byteLength > MAX_TEXT_FILE_BYTES) throw argumentError('--file', `--file ${file === '-' ? '(stdin)' : file}: ${bytes.byteLength} bytes, more than the ${MAX_TEXT_FILE_BYTES} a text may have`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw argumentError('--file', `--file ${file === '-' ? '(stdin)' : file}: not valid UTF-8 (${invalidAt(bytes)})`);
  }
}

async function readTextFile(file: string): Promise<Uint8Array> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw argumentError('--file', `--file ${file}: not a readable file`);
  if (info.size > MAX_TEXT_FILE_BYTES) throw argumentError('--file', `--file ${file}: ${info.size} bytes, more than the ${MAX_TEXT_FILE_BYTES} a text may have`);
  return readFile(file);
}

async function readProcessStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    total += buffer.byteLength;
    chunks.push(buffer);
    if (total > MAX_TEXT_FILE_BYTES) break;
  }
  return Buffer.concat(chunks);
}

/**
 * Where the first invalid sequence starts, for the message. A streaming decoder takes the
 * longest valid prefix without error (monotone, so a binary search finds its length); the
 * byte after it ends the decoding, but the bad sequence may have started up to 3 bytes
 * earlier at a lead byte whose continuation it cut. A text whose every prefix streams fine
 * ends inside a character.
 */
function invalidAt(bytes: Uint8Array): string {
  let low = 0;
  let high = bytes.byteLength;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, middle), { stream: true });
      low = middle;
    } catch {
      high = middle - 1;
    }
  }
  if (low === bytes.byteLength) return 'it ends inside a character';
  let start = low;
  for (let back = 1; back <= 3 && back <= low; back++) {
    const byte = bytes[low - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (length > back) start = low - back;
    break;
  }
  return `at byte ${start}`;
}
