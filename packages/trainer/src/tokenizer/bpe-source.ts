import { join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { sha256Of } from '../corpus/file-hash.js';
import { isRecord, readJsonFile } from './json-file.js';

/** One BPE merge: the two parts that are joined, in rank order. */
export type Merge = readonly [left: string, right: string];

/**
 * A byte-level BPE read from a Hugging Face tokenizer.json: the vocabulary, the merges in rank
 * order, and the untouched pipeline sections (normalizer, pre-tokenizer, post-processor,
 * decoder, and the model's own options), which a truncated copy reuses verbatim so it splits
 * and decodes text exactly as the source does.
 */
export interface BpeSource {
  readonly path: string;
  readonly sha256: string;
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: readonly Merge[];
  /** The `model` section without `vocab` and `merges` (type, dropout, unk_token, byte_fallback, ...). */
  readonly modelOptions: Readonly<Record<string, unknown>>;
  readonly pipeline: {
    readonly normalizer: unknown;
    readonly pre_tokenizer: unknown;
    readonly post_processor: unknown;
    readonly decoder: unknown;
  };
}

/** Where the GPT-2 tokenizer lives inside the data folder (`--data-dir`). */
export const GPT2_DIRECTORY_IN_DATA = 'tokenizers/gpt2';

/** Parses one merge in either tokenizer.json format: `"a b"` (older) or `["a", "b"]` (newer). */
function parseMerge(path: string, entry: unknown, rank: number): Merge {
  if (typeof entry === 'string') {
    const parts = entry.split(' ');
    if (parts.length === 2 && parts[0] && parts[1]) return [parts[0], parts[1]];
  } else if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
    return [entry[0], entry[1]];
  }
  throw new CheckpointError(path, `merge ${rank} is malformed: ${JSON.stringify(entry)}`);
}

/**
 * Reads a BPE tokenizer.json (a file, or a folder holding `tokenizer.json`). Only BPE models
 * are accepted, since truncating by merge rank is meaningless for other model types.
 */
export async function readBpeSource(fileOrDirectory: string): Promise<BpeSource> {
  const path = fileOrDirectory.endsWith('.json') ? fileOrDirectory : join(fileOrDirectory, 'tokenizer.json');
  const { text, json } = await readJsonFile(path, 'source tokenizer');
  if (!isRecord(json) || !isRecord(json.model)) throw new CheckpointError(path, 'no "model" section');
  const { vocab, merges, ...modelOptions } = json.model;
  if (modelOptions.type !== 'BPE') throw new CheckpointError(path, `model type is ${JSON.stringify(modelOptions.type)}, expected "BPE"`);
  if (!isRecord(vocab) || !Array.isArray(merges)) throw new CheckpointError(path, 'model.vocab must be an object and model.merges an array');
  const vocabMap = new Map<string, number>();
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id)) throw new CheckpointError(path, `vocab entry ${JSON.stringify(token)} has a non-integer id ${JSON.stringify(id)}`);
    vocabMap.set(token, id as number);
  }
  return {
    path,
    sha256: sha256Of(text),
    vocab: vocabMap,
    merges: merges.map((entry, rank) => parseMerge(path, entry, rank)),
    modelOptions,
    pipeline: {
      normalizer: json.normalizer ?? null,
      pre_tokenizer: json.pre_tokenizer ?? null,
      post_processor: json.post_processor ?? null,
      decoder: json.decoder ?? null,
    },
  };
}
