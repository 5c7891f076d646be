import { join } from 'node:path';
import { writeFileAtomic } from '@maria-ts/core';
import { sha256Of } from './file-hash.js';
import { uint16ToLittleEndianBytes } from './little-endian.js';
import type { SplitName } from './validation-split.js';

/** One shard file as the manifest lists it. */
export interface ShardEntry {
  readonly file: string;
  readonly sequences: number;
  readonly sha256: string;
}

/** What one split's writer produced. */
export interface SplitSummary {
  readonly documents: number;
  /** Tokens produced by the tokenizer for this split, `<|endoftext|>` separators included. */
  readonly tokens: number;
  readonly sequences: number;
  /** The tail shorter than one sequence, which is not written. */
  readonly droppedTokens: number;
  readonly shards: readonly ShardEntry[];
}

/** The file name of shard `index` of a split: `train-00000.bin`, `val-00003.bin`, ... */
export function shardFileName(split: SplitName, index: number): string {
  return `${split}-${String(index).padStart(5, '0')}.bin`;
}

/** Matches every name `shardFileName` can produce, so stale shards of an earlier build can be found. */
export const SHARD_FILE_PATTERN = /^(train|val)-\d{5}\.bin$/;

/**
 * Packs one split's token stream into fixed-length sequences and writes them as shards of
 * `sequencesPerShard` sequences (the last shard may hold fewer), each a flat array of
 * little-endian uint16 tokens, written atomically. Sequences cross document boundaries; the
 * `<|endoftext|>` tokens in the stream mark them.
 */
export class PackedShardWriter {
  private readonly buffer: Uint16Array;
  private filled = 0;
  private documents = 0;
  private tokens = 0;
  private readonly shards: ShardEntry[] = [];

  constructor(
    private readonly directory: string,
    private readonly split: SplitName,
    private readonly sequenceLength: number,
    private readonly sequencesPerShard: number,
  ) {
    this.buffer = new Uint16Array(sequenceLength * sequencesPerShard);
  }

  /** Appends one document's tokens (already preceded by its separator); writes a shard whenever one fills. */
  async appendDocument(ids: readonly number[]): Promise<void> {
    this.documents += 1;
    this.tokens += ids.length;
    let offset = 0;
    while (offset < ids.length) {
      const count = Math.min(ids.length - offset, this.buffer.length - this.filled);
      for (let index = 0; index < count; index += 1) this.buffer[this.filled + index] = ids[offset + index] ?? 0;
      this.filled += count;
      offset += count;
      if (this.filled === this.buffer.length) await this.writeShard(this.sequencesPerShard);
    }
  }

  /** Writes the last, partial shard (whole sequences only) and returns the split's summary. */
  async finish(): Promise<SplitSummary> {
    const sequences = Math.floor(this.filled / this.sequenceLength);
    const droppedTokens = this.filled - sequences * this.sequenceLength;
    if (sequences > 0) await this.writeShard(sequences);
    this.filled = 0;
    return {
      documents: this.documents,
      tokens: this.tokens,
      sequences: this.shards.reduce((sum, shard) => sum + shard.sequences, 0),
      droppedTokens,
      shards: [...this.shards],
    };
  }

  private async writeShard(sequences: number): Promise<void> {
    const file = shardFileName(this.split, this.shards.length);
    const bytes = uint16ToLittleEndianBytes(this.buffer.subarray(0, sequences * this.sequenceLength));
    await writeFileAtomic(join(this.directory, file), bytes);
    this.shards.push({ file, sequences, sha256: sha256Of(bytes) });
    this.filled = 0;
  }
}
