import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, Rng, TokenizerMismatchError } from '@maria-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATA, TINY_TOKENIZER, temporaryDirectory, writeHeadOf } from '../../test/test-data.js';
import { buildCorpus } from './build-corpus.js';
import type { CorpusManifest } from './manifest.js';
import { openShards, type TokenShards } from './open-shards.js';

const SEQUENCE_LENGTH = 8;

let directory: string;
let manifest: CorpusManifest;
let shards: TokenShards;
/** Every train sequence, read straight from the shard files in order. */
let sequential: number[][];

beforeAll(async () => {
  const scratch = await temporaryDirectory('shards');
  const input = await writeHeadOf('train/moby_dick.txt', 4000, join(scratch, 'moby.txt'));
  directory = join(scratch, 'out');
  ({ manifest } = await buildCorpus({ inputs: [input], out: directory, tokenizer: TINY_TOKENIZER, sequenceLength: SEQUENCE_LENGTH, sequencesPerShard: 7, validationFraction: 0.2, seed: 1 }));
  sequential = [];
  for (const shard of manifest.splits.train.shards) {
    const bytes = await readFile(join(directory, shard.file));
    for (let offset = 0; offset < bytes.length; offset += SEQUENCE_LENGTH * 2) {
      sequential.push(Array.from({ length: SEQUENCE_LENGTH }, (_, index) => bytes.readUInt16LE(offset + index * 2)));
    }
  }
  shards = await openShards(directory, { tokenizer: TINY_TOKENIZER, verifyChecksums: true });
});

afterAll(() => shards?.close());

describe('openShards', () => {
  it('reads any sequence by index, equal to reading the shards in order', () => {
    const train = shards.split('train');
    expect(manifest.splits.train.shards.length).toBeGreaterThan(2);
    expect(train.sequenceCount).toBe(sequential.length);
    const order = new Rng(5).shuffle(Array.from({ length: sequential.length }, (_, index) => index));
    for (const index of order) expect(Array.from(train.readSequence(index))).toEqual(sequential[index]);
    expect(Array.from(train.readSequences([3, 0, 3]))).toEqual([...(sequential[3] ?? []), ...(sequential[0] ?? []), ...(sequential[3] ?? [])]);
    expect(() => train.readSequence(sequential.length)).toThrow(/train sequence index/);
    expect(shards.split('val').sequenceCount).toBe(manifest.splits.val.sequences);
  });

  it('serves batches as a pure function of the step, so a resumed run sees the same data', () => {
    const train = shards.split('train');
    const order = { batchSize: 4, seed: 11 };
    const uninterrupted = [...train.batches({ ...order, steps: 12 })];
    const resumed = [...train.batches({ ...order, startStep: 7, steps: 5 })];
    expect(resumed.map((batch) => batch.indices)).toEqual(uninterrupted.slice(7).map((batch) => batch.indices));
    expect(resumed.map((batch) => Array.from(batch.ids))).toEqual(uninterrupted.slice(7).map((batch) => Array.from(batch.ids)));
    expect(Array.from(train.batchAt(9, order).ids)).toEqual(Array.from(uninterrupted[9]?.ids ?? []));
    const first = uninterrupted[0];
    expect(first?.ids).toBeInstanceOf(Int32Array);
    expect(Array.from(first?.ids ?? [])).toEqual((first?.indices ?? []).flatMap((index) => sequential[index] ?? []));
  });

  it('visits every sequence once per epoch, in a different order each epoch', () => {
    const train = shards.split('train');
    const count = train.sequenceCount;
    const visits = [...train.batches({ batchSize: 1, seed: 2, steps: 2 * count })].map((batch) => batch.indices[0] as number);
    const epochZero = visits.slice(0, count);
    const epochOne = visits.slice(count);
    expect([...epochZero].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index));
    expect([...epochOne].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index));
    expect(epochOne).not.toEqual(epochZero);
    const inOrder = [...train.batches({ batchSize: 3, shuffle: false, steps: 2 })].flatMap((batch) => batch.indices);
    expect(inOrder).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a corpus tokenized with another tokenizer', async () => {
    const mismatch = (options: Parameters<typeof openShards>[1]) => openShards(directory, options).then((opened) => opened.close());
    await expect(mismatch({ tokenizer: join(TEST_DATA, 'tokenizers', 'gpt2', 'tokenizer.json') })).rejects.toSatisfy((error: unknown) => TokenizerMismatchError.isInstance(error));
    await expect(mismatch({ tokenizer: { fingerprint: 'f'.repeat(64) } })).rejects.toThrow(/fingerprint/);
    await expect(mismatch({ tokenizer: { sha256: '0'.repeat(64) } })).rejects.toThrow(/sha256/);
    await expect(mismatch({ tokenizer: { sha256: manifest.tokenizer.sha256 } })).resolves.toBeUndefined();
  });

  it('refuses a folder without a manifest, with a malformed one, or with a truncated shard', async () => {
    const scratch = await temporaryDirectory('shards-bad');
    await expect(openShards(scratch)).rejects.toSatisfy((error: unknown) => CheckpointError.isInstance(error));
    await writeFile(join(scratch, 'manifest.json'), JSON.stringify({ ...manifest, dtype: 'float32' }));
    await expect(openShards(scratch)).rejects.toThrow(/dtype/);

    const copy = join(scratch, 'copy');
    const input = await writeHeadOf('train/moby_dick.txt', 2000, join(scratch, 'moby.txt'));
    const built = await buildCorpus({ inputs: [input], out: copy, tokenizer: TINY_TOKENIZER, sequenceLength: SEQUENCE_LENGTH, validationFraction: 0 });
    const shard = join(copy, built.manifest.splits.train.shards[0]?.file ?? '');
    await truncate(shard, 10);
    await expect(openShards(copy)).rejects.toThrow(/has 10 bytes/);
  });
});
