import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import type { HostTensor } from './host-tensor.js';
import { readJsonFile } from './read-json-file.js';
import { readSafetensors, type TensorNameFilter } from './read-safetensors.js';
import { readSafetensorsHeader } from './safetensors-header.js';

/** File name Hugging Face uses for the index of a sharded safetensors checkpoint. */
export const SHARDED_INDEX_FILE = 'model.safetensors.index.json';

/** A validated `model.safetensors.index.json`. */
export interface ShardedIndex {
  readonly file: string;
  /** The index's `metadata` object (e.g. `total_size`), passed through unchecked. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name → shard file name (relative to the index's directory). */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Shard file names in first-use order. */
  readonly shards: readonly string[];
}

/**
 * Reads and validates a sharded-checkpoint index. Shard names must be plain file names in
 * the index's directory: an index is data from the internet, and a name like `../x` must
 * not make the loader read outside the checkpoint.
 */
export async function readShardedIndex(file: string): Promise<ShardedIndex> {
  const parsed = await readJsonFile(file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CheckpointError(file, 'index is not a JSON object');
  const { metadata = {}, weight_map: weightMapJson } = parsed as Record<string, unknown>;
  if (typeof weightMapJson !== 'object' || weightMapJson === null || Array.isArray(weightMapJson)) {
    throw new CheckpointError(file, 'index has no weight_map object');
  }
  const weightMap = new Map<string, string>();
  for (const [name, shard] of Object.entries(weightMapJson as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard.length === 0) throw new CheckpointError(file, `weight_map entry '${name}' is not a file name`);
    if (shard !== basename(shard) || shard === '.' || shard === '..' || shard.includes('\\')) {
      throw new CheckpointError(file, `weight_map entry '${name}' points outside the checkpoint directory: '${shard}'`);
    }
    weightMap.set(name, shard);
  }
  if (weightMap.size === 0) throw new CheckpointError(file, 'weight_map is empty');
  return { file, metadata: metadata as Record<string, unknown>, weightMap, shards: [...new Set(weightMap.values())] };
}

/**
 * Loads the tensors of a sharded checkpoint. Each shard is opened once and only the tensors
 * the index assigns to it are read. A missing shard file, or a tensor the index lists but
 * its shard lacks, is a `CheckpointError` naming both.
 */
export async function readShardedSafetensors(indexFile: string, options: { names?: TensorNameFilter } = {}): Promise<Map<string, HostTensor>> {
  const index = await readShardedIndex(indexFile);
  const wanted = selectNames(index, options.names);
  const directory = dirname(indexFile);
  const byShard = new Map<string, string[]>();
  for (const name of wanted) {
    const shard = index.weightMap.get(name)!;
    byShard.set(shard, [...(byShard.get(shard) ?? []), name]);
  }
  const tensors = new Map<string, HostTensor>();
  for (const [shard, names] of byShard) {
    const shardFile = join(directory, shard);
    const header = await readSafetensorsHeader(shardFile).catch((error: unknown) => {
      throw new CheckpointError(indexFile, `shard '${shard}' cannot be read: ${(error as Error).message}`);
    });
    const present = new Set(header.entries.map((entry) => entry.name));
    const absent = names.filter((name) => !present.has(name));
    if (absent.length > 0) throw new CheckpointError(indexFile, `tensors listed for shard '${shard}' but absent from it: ${absent.join(', ')}`);
    for (const [name, tensor] of await readSafetensors(shardFile, { names })) tensors.set(name, tensor);
  }
  // Index order, so a sharded and a single-file checkpoint iterate alike.
  return new Map(wanted.map((name) => [name, tensors.get(name)!]));
}

function selectNames(index: ShardedIndex, names: TensorNameFilter | undefined): string[] {
  const all = [...index.weightMap.keys()];
  if (names === undefined) return all;
  if (typeof names === 'function') return all.filter((name) => names(name));
  const missing = names.filter((name) => !index.weightMap.has(name));
  if (missing.length > 0) throw new CheckpointError(index.file, `requested tensors not in weight_map: ${missing.join(', ')}`);
  return [...new Set(names)];
}
