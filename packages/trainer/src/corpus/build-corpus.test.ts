import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY_TOKENIZER, temporaryDirectory, writeHeadOf } from '../../test/test-data.js';
import { loadTokenizerFile, type LoadedTokenizer } from '../tokenizer/load-tokenizer.js';
import { buildCorpus, type BuildCorpusOptions } from './build-corpus.js';
import { detectDocumentFormat } from './document-format.js';
import { readLines } from './read-lines.js';
import { splitDocuments } from './split-documents.js';
import { splitOfDocument } from './validation-split.js';

const SEQUENCE_LENGTH = 16;
const SEQUENCES_PER_SHARD = 8;

let inputs: string[];
let tokenizer: LoadedTokenizer;
let scratch: string;

/** Settings shared by these tests: short sequences and small shards so a few KB of text makes several shards. */
const settings = (out: string, extra: Partial<BuildCorpusOptions> = {}): BuildCorpusOptions => ({
  inputs,
  out,
  tokenizer: TINY_TOKENIZER,
  sequenceLength: SEQUENCE_LENGTH,
  sequencesPerShard: SEQUENCES_PER_SHARD,
  validationFraction: 0.25,
  seed: 3,
  ...extra,
});

/** Every file of a folder with its bytes. */
async function snapshot(directory: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(directory)).sort()) files.set(name, await readFile(join(directory, name)));
  return files;
}

const tokensOf = (bytes: Buffer) => Array.from(new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));

beforeAll(async () => {
  scratch = await temporaryDirectory('corpus');
  tokenizer = await loadTokenizerFile(TINY_TOKENIZER);
  inputs = [
    await writeHeadOf('train/wikitext2_train.tokens', 6000, join(scratch, 'wiki.tokens')),
    await writeHeadOf('train/moby_dick.txt', 3000, join(scratch, 'moby.txt')),
    await writeHeadOf('train/brown_corpus_plain.txt', 2500, join(scratch, 'brown.txt')),
  ];
});

describe('buildCorpus', () => {
  it('packs <|endoftext|> + document tokens, per split, into little-endian uint16 sequences', async () => {
    const out = join(scratch, 'packing');
    const { manifest, upToDate } = await buildCorpus(settings(out));
    expect(upToDate).toBe(false);
    expect(manifest.inputs.map((input) => input.format)).toEqual(['wikitext', 'paragraphs', 'sentences']);

    // Rebuild the expected token streams independently of the shard writer.
    const expected = { train: [] as number[], val: [] as number[] };
    let index = 0;
    for (const path of inputs) {
      for await (const document of splitDocuments(readLines(path), await detectDocumentFormat(path), { detokenize: true })) {
        expected[splitOfDocument(index, 3, 0.25)].push(tokenizer.endOfTextId, ...tokenizer.encode(document));
        index += 1;
      }
    }
    expect(manifest.splits.train.documents + manifest.splits.val.documents).toBe(index);
    expect(manifest.inputs.reduce((sum, input) => sum + input.tokens, 0)).toBe(expected.train.length + expected.val.length);
    for (const name of ['train', 'val'] as const) {
      const split = manifest.splits[name];
      expect(split.tokens).toBe(expected[name].length);
      expect(split.sequences).toBe(Math.floor(expected[name].length / SEQUENCE_LENGTH));
      expect(split.droppedTokens).toBe(expected[name].length % SEQUENCE_LENGTH);
      expect(split.shards.length).toBe(Math.ceil(split.sequences / SEQUENCES_PER_SHARD));
      const stored: number[] = [];
      for (const shard of split.shards) {
        const bytes = await readFile(join(out, shard.file));
        expect(bytes.length).toBe(shard.sequences * SEQUENCE_LENGTH * 2);
        for (let offset = 0; offset < bytes.length; offset += 2) stored.push(bytes.readUInt16LE(offset));
      }
      expect(stored).toEqual(expected[name].slice(0, split.sequences * SEQUENCE_LENGTH));
    }
    expect(manifest.splits.val.documents).toBeGreaterThan(0);
    expect(manifest.tokenizer).toMatchObject({ sha256: tokenizer.sha256, fingerprint: tokenizer.fingerprint, vocabSize: 8192, endOfTextId: 8189 });
    // WikiText and the PTB sentences were detokenized on the way.
    const trainText = tokenizer.decode(tokensOf(await readFile(join(out, 'train-00000.bin'))));
    expect(trainText).not.toContain(' @-@ ');
    expect(trainText).not.toContain(' , ');
    expect(trainText).not.toContain('``');
  });

  it('is deterministic: the same seed gives the same bytes, another seed another split', async () => {
    const first = await buildCorpus(settings(join(scratch, 'seed-a')));
    const second = await buildCorpus(settings(join(scratch, 'seed-b')));
    const other = await buildCorpus(settings(join(scratch, 'seed-c'), { seed: 4 }));
    expect(await snapshot(join(scratch, 'seed-b'))).toEqual(await snapshot(join(scratch, 'seed-a')));
    expect(second.manifest).toEqual(first.manifest);
    expect(other.manifest.splits.val.tokens).not.toBe(first.manifest.splits.val.tokens);
  });

  it('does nothing when re-run with the same inputs and settings, and rebuilds when they change', async () => {
    const out = join(scratch, 'idempotent');
    await buildCorpus(settings(out));
    const before = await snapshot(out);
    const modified = new Map<string, number>();
    for (const name of before.keys()) modified.set(name, (await stat(join(out, name))).mtimeMs);

    const again = await buildCorpus(settings(out));
    expect(again.upToDate).toBe(true);
    for (const [name, mtime] of modified) expect((await stat(join(out, name))).mtimeMs).toBe(mtime);

    // A damaged shard is noticed and rebuilt.
    const damaged = join(out, 'train-00000.bin');
    const bytes = await readFile(damaged);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(damaged, bytes);
    expect((await buildCorpus(settings(out))).upToDate).toBe(false);
    expect(await snapshot(out)).toEqual(before);

    // Bigger shards: fewer files, and the stale ones are removed.
    const regrouped = await buildCorpus(settings(out, { sequencesPerShard: 1000 }));
    expect(regrouped.upToDate).toBe(false);
    expect((await readdir(out)).sort()).toEqual(['manifest.json', 'train-00000.bin', 'val-00000.bin']);
  });

  it('leaves no partial file and no manifest when a shard write fails, and recovers on the next run', async () => {
    const out = join(scratch, 'failing');
    await mkdir(join(out, 'train-00001.bin'), { recursive: true }); // renaming the second shard onto a folder fails
    await expect(buildCorpus(settings(out))).rejects.toThrow();
    const names = await readdir(out);
    expect(names).not.toContain('manifest.json');
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await stat(join(out, 'train-00000.bin'))).size).toBe(SEQUENCES_PER_SHARD * SEQUENCE_LENGTH * 2);

    await rm(join(out, 'train-00001.bin'), { recursive: true });
    const recovered = await buildCorpus(settings(out));
    expect(recovered.upToDate).toBe(false);
    expect(await snapshot(out)).toEqual(await snapshot(join(scratch, 'packing')));
  });

  it('stops between batches when aborted, leaving only complete shards and no manifest', async () => {
    const out = join(scratch, 'aborted');
    await buildCorpus(settings(out)); // an earlier complete build, whose manifest must not survive
    const controller = new AbortController();
    const build = buildCorpus({
      ...settings(out, { seed: 9, batchDocuments: 1 }),
      signal: controller.signal,
      onBatch: ({ tokens }) => {
        if (tokens > SEQUENCES_PER_SHARD * SEQUENCE_LENGTH * 2) controller.abort();
      },
    });
    await expect(build).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    const names = await readdir(out);
    expect(names).not.toContain('manifest.json');
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    for (const name of names) expect((await stat(join(out, name))).size % (SEQUENCE_LENGTH * 2)).toBe(0);
  });

  it('refuses bad settings and unmatched inputs with typed errors', async () => {
    await expect(buildCorpus(settings(join(scratch, 'bad'), { sequenceLength: 0 }))).rejects.toThrow(/sequence length/);
    await expect(buildCorpus(settings(join(scratch, 'bad'), { validationFraction: 1.5 }))).rejects.toThrow(/validation fraction/);
    await expect(buildCorpus(settings(join(scratch, 'bad'), { inputs: [join(scratch, 'nothing-*.txt')] }))).rejects.toThrow(/--input/);
  });
});
