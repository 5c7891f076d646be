import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, InvalidArgumentError, Rng, TokenizerMismatchError } from '@maria-ts/core';
import type { TokenizerIdentity } from '../tokenizer/load-tokenizer.js';
import { loadTokenizerFile } from '../tokenizer/load-tokenizer.js';
import { sha256OfFile } from './file-hash.js';
import { littleEndianBytesToUint16 } from './little-endian.js';
import { MANIFEST_FILE, readManifest, type CorpusManifest } from './manifest.js';
import type { SplitName } from './validation-split.js';

/** One training batch: `ids` holds `batchSize × sequenceLength` token ids, row-major, as int32 (what tfjs takes). */
export interface SequenceBatch {
  /** The step this batch belongs to; `batchAt(step)` returns the same batch again, which is what makes resuming exact. */
  readonly step: number;
  /** The pass over the split that the batch's first sequence belongs to. */
  readonly epoch: number;
  readonly indices: readonly number[];
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly ids: Int32Array;
}

export interface BatchOrder {
  readonly batchSize: number;
  /** Visit sequences in a fresh seeded permutation each epoch (default), or in file order. */
  readonly shuffle?: boolean;
  /** Seed of the permutations. Default 0. */
  readonly seed?: number;
}

/** One split of a shard folder, read by sequence index without loading it into memory. */
export interface ShardSplit {
  readonly name: SplitName;
  readonly sequenceCount: number;
  readonly sequenceLength: number;
  /** One sequence as stored (uint16). */
  readSequence(index: number): Uint16Array;
  /** Several sequences, concatenated, as int32. */
  readSequences(indices: readonly number[]): Int32Array;
  /**
   * The batch of training step `step`: sequences `step·B … step·B + B − 1` of an endless stream
   * that visits every sequence once per epoch. A pure function of (`order`, `step`), so a run
   * resumed at step k sees exactly the batches an uninterrupted run would.
   */
  batchAt(step: number, order: BatchOrder): SequenceBatch;
  /** `batchAt(startStep)`, `batchAt(startStep + 1)`, ... for `steps` steps (endless when omitted). */
  batches(order: BatchOrder & { startStep?: number; steps?: number }): Generator<SequenceBatch>;
}

export interface TokenShards {
  readonly directory: string;
  readonly manifest: CorpusManifest;
  split(name: SplitName): ShardSplit;
  /** Closes the shard files. */
  close(): void;
}

export interface OpenShardsOptions {
  /**
   * The tokenizer the caller will train with: a tokenizer.json path, or its identity. The
   * corpus must have been tokenized with the same one (compared by fingerprint when given,
   * otherwise by file sha256), else `TokenizerMismatchError`.
   */
  readonly tokenizer?: string | Partial<TokenizerIdentity>;
  /** Also check every shard's sha256 (reads all shards once). Default false: sizes only. */
  readonly verifyChecksums?: boolean;
}

async function checkTokenizer(directory: string, manifest: CorpusManifest, expected: string | Partial<TokenizerIdentity>): Promise<void> {
  const identity: Partial<TokenizerIdentity> & { label: string } =
    typeof expected === 'string' ? { ...(await loadTokenizerFile(expected)), label: `tokenizer ${expected}` } : { ...expected, label: 'the expected tokenizer' };
  const corpusLabel = `corpus ${directory} (tokenized with ${manifest.tokenizer.path})`;
  if (identity.fingerprint !== undefined && identity.fingerprint !== manifest.tokenizer.fingerprint) {
    throw new TokenizerMismatchError(corpusLabel, identity.label, `fingerprint ${manifest.tokenizer.fingerprint} vs ${identity.fingerprint}`);
  }
  if (identity.fingerprint === undefined && identity.sha256 !== undefined && identity.sha256 !== manifest.tokenizer.sha256) {
    throw new TokenizerMismatchError(corpusLabel, identity.label, `sha256 ${manifest.tokenizer.sha256} vs ${identity.sha256}`);
  }
}

/** Permutations are cached per epoch; a training loop only ever needs the current and the next. */
class EpochPermutations {
  private readonly cache = new Map<number, Uint32Array>();

  constructor(
    private readonly count: number,
    private readonly seed: number,
  ) {}

  /** Epoch e's permutation is shuffled by the (e+1)-th `split()` child of `Rng(seed)`, so each epoch has its own stream. */
  get(epoch: number): Uint32Array {
    const cached = this.cache.get(epoch);
    if (cached) return cached;
    const parent = new Rng(this.seed);
    let child = parent.split();
    for (let index = 0; index < epoch; index += 1) child = parent.split();
    const order = child.shuffle(Array.from({ length: this.count }, (_, index) => index));
    const permutation = Uint32Array.from(order);
    if (this.cache.size >= 2) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(epoch, permutation);
    return permutation;
  }
}

/**
 * Opens a folder written by `buildCorpus` for training. The manifest is validated (schema,
 * every shard present with the size it lists, optionally checksums, and the tokenizer), then
 * sequences are read on demand from the shard files by index.
 */
export async function openShards(directory: string, options: OpenShardsOptions = {}): Promise<TokenShards> {
  const manifest = await readManifest(directory);
  if (!manifest) throw new CheckpointError(join(directory, MANIFEST_FILE), 'no manifest: not a finished shard folder (build it with `maria-train corpus`)');
  if (options.tokenizer !== undefined) await checkTokenizer(directory, manifest, options.tokenizer);

  const { sequenceLength } = manifest;
  const sequenceBytes = sequenceLength * 2;
  const descriptors: number[] = [];
  const splits = new Map<SplitName, ShardSplit>();
  try {
    for (const name of ['train', 'val'] as const) {
      const shards = manifest.splits[name].shards;
      const firstSequence: number[] = [];
      const shardDescriptors: number[] = [];
      let total = 0;
      for (const shard of shards) {
        const path = join(directory, shard.file);
        let descriptor: number;
        try {
          descriptor = openSync(path, 'r');
        } catch (error) {
          throw new CheckpointError(path, `shard listed in the manifest cannot be opened (${(error as Error).message})`);
        }
        descriptors.push(descriptor);
        const size = fstatSync(descriptor).size;
        if (size !== shard.sequences * sequenceBytes) {
          throw new CheckpointError(path, `has ${size} bytes, the manifest says ${shard.sequences} sequences × ${sequenceLength} tokens × 2 = ${shard.sequences * sequenceBytes}`);
        }
        if (options.verifyChecksums && (await sha256OfFile(path)) !== shard.sha256) throw new CheckpointError(path, 'sha256 differs from the manifest');
        firstSequence.push(total);
        shardDescriptors.push(descriptor);
        total += shard.sequences;
      }
      if (total !== manifest.splits[name].sequences) {
        throw new CheckpointError(join(directory, MANIFEST_FILE), `${name} shards hold ${total} sequences, the manifest says ${manifest.splits[name].sequences}`);
      }
      splits.set(name, createSplit(name, total, sequenceLength, firstSequence, shardDescriptors));
    }
  } catch (error) {
    for (const descriptor of descriptors) closeSync(descriptor);
    throw error;
  }
  let closed = false;
  return {
    directory,
    manifest,
    split(name) {
      const split = splits.get(name);
      if (!split) throw new InvalidArgumentError('split', name, 'train | val');
      return split;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const descriptor of descriptors) closeSync(descriptor);
    },
  };
}

function createSplit(name: SplitName, sequenceCount: number, sequenceLength: number, firstSequence: readonly number[], descriptors: readonly number[]): ShardSplit {
  const sequenceBytes = sequenceLength * 2;
  const scratch = new Uint8Array(sequenceBytes);
  const permutations = new Map<number, EpochPermutations>();

  const shardOf = (index: number): number => {
    let low = 0;
    let high = firstSequence.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((firstSequence[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  };

  const readInto = (index: number, target: Uint8Array): void => {
    if (!Number.isInteger(index) || index < 0 || index >= sequenceCount) {
      throw new InvalidArgumentError(`${name} sequence index`, index, `an integer in [0, ${sequenceCount})`);
    }
    const shard = shardOf(index);
    const descriptor = descriptors[shard] as number;
    const position = (index - (firstSequence[shard] ?? 0)) * sequenceBytes;
    let done = 0;
    while (done < sequenceBytes) {
      const read = readSync(descriptor, target, done, sequenceBytes - done, position + done);
      if (read === 0) throw new CheckpointError(`${name} shard ${shard}`, `ended early while reading sequence ${index}`);
      done += read;
    }
  };

  const readSequence = (index: number): Uint16Array => {
    readInto(index, scratch);
    return littleEndianBytesToUint16(scratch);
  };

  const readSequences = (indices: readonly number[]): Int32Array => {
    const ids = new Int32Array(indices.length * sequenceLength);
    indices.forEach((index, row) => ids.set(readSequence(index), row * sequenceLength));
    return ids;
  };

  const batchAt = (step: number, order: BatchOrder): SequenceBatch => {
    const { batchSize, shuffle = true, seed = 0 } = order;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batch size', batchSize, 'a positive integer');
    if (!Number.isSafeInteger(step) || step < 0) throw new InvalidArgumentError('step', step, 'a non-negative integer');
    if (sequenceCount === 0) throw new InvalidArgumentError(`${name} split`, 'empty', 'at least one sequence to draw batches from');
    let orderForSeed = permutations.get(seed);
    if (shuffle && !orderForSeed) {
      orderForSeed = new EpochPermutations(sequenceCount, seed);
      permutations.set(seed, orderForSeed);
    }
    const indices: number[] = [];
    for (let row = 0; row < batchSize; row += 1) {
      const position = step * batchSize + row;
      const epoch = Math.floor(position / sequenceCount);
      const offset = position % sequenceCount;
      indices.push(shuffle && orderForSeed ? (orderForSeed.get(epoch)[offset] as number) : offset);
    }
    return { step, epoch: Math.floor((step * batchSize) / sequenceCount), indices, batchSize, sequenceLength, ids: readSequences(indices) };
  };

  return {
    name,
    sequenceCount,
    sequenceLength,
    readSequence,
    readSequences,
    batchAt,
    *batches(order) {
      const start = order.startStep ?? 0;
      for (let step = start; order.steps === undefined || step < start + order.steps; step += 1) yield batchAt(step, order);
    },
  };
}
