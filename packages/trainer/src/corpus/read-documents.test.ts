import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@maria-ts/core';
import { asyncBufferFromFile, type AsyncBuffer } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { headOf, temporaryDirectory, TINY_TOKENIZER } from '../../test/test-data.js';
import { buildCorpus } from './build-corpus.js';
import { fileFormatOf, PTB_QUOTES_FOR_SENTENCES } from './document-format.js';
import { readDocuments } from './read-documents.js';
import { readParquetBufferDocuments } from './read-parquet-documents.js';
import { splitDocuments } from './split-documents.js';

async function collect(documents: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const document of documents) all.push(document);
  return all;
}

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split('\n');
}

/** A Parquet file with one string column per entry of `columns`, cut into row groups of `rowGroupSize`. */
async function writeParquet(path: string, columns: Record<string, string[]>, rowGroupSize: number): Promise<string> {
  const buffer = parquetWriteBuffer({ columnData: Object.entries(columns).map(([name, data]) => ({ name, data, type: 'STRING' as const })), rowGroupSize });
  await writeFile(path, new Uint8Array(buffer));
  return path;
}

/** The lines of Moby-Dick's opening, as the `lines` format cuts them (written back as paragraphs, they read the same). */
let mobyLines: string[];
let scratch: string;

beforeAll(async () => {
  scratch = await temporaryDirectory('read-documents');
  mobyLines = await collect(splitDocuments(linesOf(await headOf('train/moby_dick.txt', 40_000)), 'lines', { detokenize: false }));
  expect(mobyLines.length).toBeGreaterThan(30);
});

describe('JSONL inputs', () => {
  it('yields each record\'s text field, normalised, skipping blank lines and blank texts', async () => {
    const path = join(scratch, 'records.jsonl');
    const records = [{ id: 1, text: 'Call me Ishmael.\r\nSome years ago' }, { text: '   ' }, { text: 'Cafe\u0301 ', score: 3.1 }];
    await writeFile(path, `${records.map((record) => JSON.stringify(record)).join('\n')}\n\n`);
    expect(await collect(readDocuments(path, 'jsonl', { detokenize: true }))).toEqual(['Call me Ishmael.\nSome years ago', 'Caf\u00e9']);
  });

  it('names the file and line of a record without a string text field', async () => {
    const cases = ['{"content": "no text"}', '{"text": 7}', '{not json', '["text"]'];
    for (const bad of cases) {
      const path = join(scratch, 'bad.jsonl');
      await writeFile(path, `{"text": "fine"}\n\n${bad}\n`);
      const error = await collect(readDocuments(path, 'jsonl', { detokenize: true })).then(() => undefined, (caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`--input ${path} line 3`);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('streams: the first documents arrive after reading a small part of a file far larger than its buffer', async () => {
    const path = join(scratch, 'large.jsonl');
    const line = JSON.stringify({ text: mobyLines.join(' ').slice(0, 2000) });
    const count = 6000; // about 12 MB, against the reader's 1 MiB buffer
    await writeFile(path, `${Array.from({ length: count }, () => line).join('\n')}\n`);
    const total = (await readFile(path)).byteLength;
    let bytesRead = 0;
    const documents = readDocuments(path, 'jsonl', { detokenize: true, onBytes: (bytes) => (bytesRead = bytes) });
    for (let index = 0; index < 3; index++) expect((await documents.next()).done).toBe(false);
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThanOrEqual(3 << 20);
    expect(bytesRead).toBeLessThan(total / 3);
    await documents.return(undefined);
  });
});

describe('Parquet inputs', () => {
  it('yields the text column, row group by row group, ignoring other columns and blank texts', async () => {
    const texts = [...mobyLines.slice(0, 20), '  '];
    const path = await writeParquet(join(scratch, 'pages.parquet'), { id: texts.map((_, index) => `doc-${index}`), text: texts }, 7);
    expect(await collect(readDocuments(path, 'parquet', { detokenize: true }))).toEqual(mobyLines.slice(0, 20));
  });

  it('refuses a file without a text column, naming it', async () => {
    const path = await writeParquet(join(scratch, 'no-text.parquet'), { content: ['a', 'b'] }, 10);
    const error = await collect(readDocuments(path, 'parquet', { detokenize: true })).then(() => undefined, (caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^invalid --input ${path}: "content" \\(expected a Parquet file with a "text" column\\)$`));
  });

  it('streams: the first document arrives after fetching the footer and one row group of many', async () => {
    // Distinct, hardly compressible rows (about 2.2 MB in all), so the file is much larger than
    // hyparquet's first footer read (512 KiB) and its row groups cannot be dictionary-encoded away.
    const noise = (index: number) => Array.from({ length: 16 }, (_, part) => createHash('sha256').update(`${index}:${part}`).digest('hex')).join('');
    const texts = Array.from({ length: 2000 }, (_, index) => `${index}: ${mobyLines[index % mobyLines.length] ?? ''} ${noise(index)}`);
    const path = await writeParquet(join(scratch, 'large.parquet'), { text: texts }, 100);
    const file = await asyncBufferFromFile(path);
    let fetched = 0;
    const counting: AsyncBuffer = {
      byteLength: file.byteLength,
      slice: async (start, end) => {
        const bytes = await file.slice(start, end);
        fetched += bytes.byteLength;
        return bytes;
      },
    };
    const documents = readParquetBufferDocuments(counting, path);
    const first = await documents.next();
    expect(first.value).toBe(texts[0]?.trim());
    expect(file.byteLength).toBeGreaterThan(2_000_000);
    expect(fetched).toBeLessThan(file.byteLength / 3);
    let count = 1;
    for await (const _document of documents) count += 1;
    expect(count).toBe(2000);
    expect(fetched).toBeGreaterThanOrEqual(file.byteLength / 2);
  });
});

describe('formats and the corpus build', () => {
  it('picks record formats by extension and refuses unknown extensions', async () => {
    expect(await fileFormatOf('a/b.JSONL', 'lines')).toBe('jsonl');
    expect(await fileFormatOf('a/b.parquet', 'auto')).toBe('parquet');
    expect(await fileFormatOf('a/b.txt', 'lines')).toBe('lines');
    await expect(fileFormatOf('a/b.csv', 'auto')).rejects.toThrow(/^invalid --input: "a\/b\.csv" \(expected a file ending in \.txt .*\.jsonl \.parquet\)$/);
  });

  it('reads a file without blank lines as PTB sentences only when it holds enough `` quotes', async () => {
    const ptb = join(scratch, 'ptb.txt');
    const plain = join(scratch, 'plain.txt');
    await writeFile(ptb, Array.from({ length: PTB_QUOTES_FOR_SENTENCES }, (_, i) => `He said `.concat("`` hi '' ", String(i), ' .')).join('\n'));
    await writeFile(plain, Array.from({ length: PTB_QUOTES_FOR_SENTENCES }, (_, i) => `He said "hi" ${i}.`).join('\n'));
    expect(await fileFormatOf(ptb, 'auto')).toBe('sentences');
    expect(await fileFormatOf(plain, 'auto')).toBe('lines');
    expect(await fileFormatOf(ptb, 'lines')).toBe('lines');
  });

  it('gives byte-identical shards from the same documents as text paragraphs, JSONL and Parquet', async () => {
    const text = join(scratch, 'same.txt');
    await writeFile(text, `${mobyLines.join('\n\n')}\n`);
    const jsonl = join(scratch, 'same.jsonl');
    await writeFile(jsonl, `${mobyLines.map((line) => JSON.stringify({ text: line })).join('\n')}\n`);
    const parquet = await writeParquet(join(scratch, 'same.parquet'), { text: mobyLines }, 16);
    const shardHashes = [];
    for (const input of [text, jsonl, parquet]) {
      const result = await buildCorpus({ inputs: [input], out: join(scratch, `shards-${input.split('.').pop() ?? ''}`), tokenizer: TINY_TOKENIZER, sequenceLength: 32, validationFraction: 0.2, batchDocuments: 8 });
      expect(result.manifest.inputs[0]?.documents).toBe(mobyLines.length);
      expect(result.manifest.splits.train.sequences).toBeGreaterThan(10);
      shardHashes.push([...result.manifest.splits.train.shards, ...result.manifest.splits.val.shards].map((shard) => shard.sha256));
    }
    expect(shardHashes[1]).toEqual(shardHashes[0]);
    expect(shardHashes[2]).toEqual(shardHashes[0]);
  });
});
