import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import type { HuggingFaceTokenizer } from '../tokenizer/hugging-face-tokenizer.js';
import { hasTokenizerFiles, loadTokenizer, type LoadTokenizerOptions } from '../tokenizer/load-tokenizer.js';
import type { TokenizerJson } from '../tokenizer/tokenizer-json.js';
import { writeTextFileAtomic } from './atomic-write.js';
import { isDirectory, pathExists } from './path-exists.js';
import { DTYPE_BYTE_SIZE, type HostTensor, type StoredDtype, type WritableTensor } from './host-tensor.js';
import { readJsonFile } from './read-json-file.js';
import { readSafetensors, type TensorNameFilter } from './read-safetensors.js';
import { readShardedIndex, readShardedSafetensors, SHARDED_INDEX_FILE } from './sharded-index.js';
import { writeSafetensors } from './write-safetensors.js';

/** File names of a Hugging Face checkpoint directory. */
export const CONFIG_FILE = 'config.json';
export const SINGLE_WEIGHTS_FILE = 'model.safetensors';

/** What a checkpoint directory holds, read into memory. */
export interface CheckpointFiles {
  readonly dir: string;
  /** config.json as parsed; each backbone family validates the keys it needs. */
  readonly config: Record<string, unknown>;
  readonly tensors: Map<string, HostTensor>;
  /** Present when the directory has tokenizer.json (or vocab.json + merges.txt). */
  readonly tokenizer?: HuggingFaceTokenizer;
}

export interface LoadCheckpointOptions {
  /** Load only some tensors (see `readSafetensors`). */
  readonly names?: TensorNameFilter;
  /** `false` skips the tokenizer; an object passes options to `loadTokenizer`. */
  readonly tokenizer?: boolean | LoadTokenizerOptions;
}

/**
 * Loads a Hugging Face checkpoint directory: config.json, the weights (`model.safetensors`,
 * or `model.safetensors.index.json` with its shards, the single file winning when both
 * exist, as in transformers) and the tokenizer when one is there. Every missing or
 * malformed file is a `CheckpointError` naming it.
 */
export async function loadCheckpointFiles(dir: string, options: LoadCheckpointOptions = {}): Promise<CheckpointFiles> {
  if (!(await isDirectory(dir))) throw new CheckpointError(dir, 'not a checkpoint directory (does not exist or is not a directory)');
  const config = await readCheckpointConfig(dir);
  const tensors = await readCheckpointWeights(dir, { names: options.names });
  const tokenizerOptions = options.tokenizer ?? true;
  if (tokenizerOptions === false || !(await hasTokenizerFiles(dir))) return { dir, config, tensors };
  const tokenizer = await loadTokenizer(dir, tokenizerOptions === true ? {} : tokenizerOptions);
  return { dir, config, tensors, tokenizer };
}

/** Reads and checks `dir/config.json`: it must exist and hold a JSON object. */
export async function readCheckpointConfig(dir: string): Promise<Record<string, unknown>> {
  const file = join(dir, CONFIG_FILE);
  const config = await readJsonFile(file);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new CheckpointError(file, 'config is not a JSON object');
  return config as Record<string, unknown>;
}

/** Reads the weights of `dir`, single-file or sharded. */
export async function readCheckpointWeights(dir: string, options: { names?: TensorNameFilter } = {}): Promise<Map<string, HostTensor>> {
  const single = join(dir, SINGLE_WEIGHTS_FILE);
  if (await pathExists(single)) return readSafetensors(single, options);
  const index = join(dir, SHARDED_INDEX_FILE);
  if (await pathExists(index)) return readShardedSafetensors(index, options);
  throw new CheckpointError(dir, `no weights found (looked for ${SINGLE_WEIGHTS_FILE} and ${SHARDED_INDEX_FILE})`);
}

export interface SaveCheckpointOptions {
  readonly config: Readonly<Record<string, unknown>>;
  readonly tensors: ReadonlyMap<string, WritableTensor>;
  readonly dtype: StoredDtype;
  /** Written as tokenizer.json when given. */
  readonly tokenizerJson?: TokenizerJson;
  /** Written as tokenizer_config.json when given (it names bos/eos/mask/... for loading). */
  readonly tokenizerConfig?: Readonly<Record<string, unknown>>;
  /**
   * Split the weights into shards of at most this many bytes (a tensor larger than the
   * limit gets a shard of its own), with a `model.safetensors.index.json`. Unset: one file.
   */
  readonly maxShardBytes?: number;
  /** Extra safetensors `__metadata__` strings. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Writes a checkpoint directory in Hugging Face layout, creating it if needed. Every file
 * is written atomically (temporary file, fsync, rename), weights first and config.json
 * last, so a reader never sees a half-written file and a directory whose config.json is
 * new has its new weights too. Weights of the other layout (a stale single file after a
 * sharded save, or a stale index and its shards after a single-file save) are removed,
 * since the loader would otherwise prefer them.
 */
export async function saveCheckpointFiles(dir: string, options: SaveCheckpointOptions): Promise<void> {
  const { tensors, dtype, maxShardBytes, metadata } = options;
  if (maxShardBytes !== undefined && !(Number.isSafeInteger(maxShardBytes) && maxShardBytes > 0)) {
    throw new InvalidArgumentError('maxShardBytes', maxShardBytes, 'a positive integer');
  }
  const previousShards = await previousShardFiles(dir);
  if (maxShardBytes === undefined) {
    await writeSafetensors(join(dir, SINGLE_WEIGHTS_FILE), tensors, { dtype, metadata });
    await rm(join(dir, SHARDED_INDEX_FILE), { force: true });
    for (const shard of previousShards) if (shard !== SINGLE_WEIGHTS_FILE) await rm(join(dir, shard), { force: true });
  } else {
    const shards = planShards(tensors, DTYPE_BYTE_SIZE[dtype], maxShardBytes);
    const names = shards.map((_, index) => `model-${String(index + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`);
    const weightMap: Record<string, string> = {};
    let totalSize = 0;
    for (const [index, shard] of shards.entries()) {
      await writeSafetensors(join(dir, names[index]!), shard, { dtype, metadata });
      for (const [name, tensor] of shard) {
        weightMap[name] = names[index]!;
        totalSize += tensor.data.length * DTYPE_BYTE_SIZE[dtype];
      }
    }
    await writeTextFileAtomic(join(dir, SHARDED_INDEX_FILE), `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
    await rm(join(dir, SINGLE_WEIGHTS_FILE), { force: true });
    for (const shard of previousShards) if (!names.includes(shard)) await rm(join(dir, shard), { force: true });
  }
  if (options.tokenizerJson !== undefined) await writeTextFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(options.tokenizerJson));
  if (options.tokenizerConfig !== undefined) await writeTextFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(options.tokenizerConfig, null, 2)}\n`);
  await writeTextFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(options.config, null, 2)}\n`);
}

/** Greedy split in map order: a new shard starts when the next tensor would overflow. */
function planShards(tensors: ReadonlyMap<string, WritableTensor>, bytesPerElement: number, maxShardBytes: number): Map<string, WritableTensor>[] {
  const shards: Map<string, WritableTensor>[] = [];
  let current = new Map<string, WritableTensor>();
  let currentBytes = 0;
  for (const [name, tensor] of tensors) {
    const bytes = tensor.data.length * bytesPerElement;
    if (current.size > 0 && currentBytes + bytes > maxShardBytes) {
      shards.push(current);
      current = new Map();
      currentBytes = 0;
    }
    current.set(name, tensor);
    currentBytes += bytes;
  }
  if (current.size > 0 || shards.length === 0) shards.push(current);
  return shards;
}

/** Shard files named by an existing index in `dir` (none when there is no valid index). */
async function previousShardFiles(dir: string): Promise<readonly string[]> {
  const index = join(dir, SHARDED_INDEX_FILE);
  if (!(await pathExists(index))) return [];
  return readShardedIndex(index).then(
    (parsed) => parsed.shards,
    () => [],
  );
}
