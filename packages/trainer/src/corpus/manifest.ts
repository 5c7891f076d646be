import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { z } from 'zod';
import { parseJsonText } from '../tokenizer/json-file.js';
import { DOCUMENT_FORMATS, FILE_FORMATS } from './document-format.js';

/** The manifest's name inside a shard folder. It is written last, so its presence means the shards are complete. */
export const MANIFEST_FILE = 'manifest.json';
/**
 * Bump when the pipeline's output for the same inputs and settings changes, so old folders are
 * rebuilt. 2: WikiText articles are detokenized whole by the evaluation's detokenizer, and PTB
 * sentence files (`sentences`) are grouped and detokenized. The shard layout is unchanged, so
 * folders of every version in `READABLE_PIPELINE_VERSIONS` still open.
 */
export const PIPELINE_VERSION = 2;
/** Pipeline versions whose folders `openShards` reads (same layout, older text rules). */
export const READABLE_PIPELINE_VERSIONS = [1, 2] as const;

const shardSchema = z.object({ file: z.string(), sequences: z.number().int().positive(), sha256: z.string() });
const splitSchema = z.object({
  documents: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  sequences: z.number().int().nonnegative(),
  droppedTokens: z.number().int().nonnegative(),
  shards: z.array(shardSchema),
});

/** The schema of manifest.json; `openShards` refuses any folder whose manifest does not match it. */
export const manifestSchema = z.object({
  format: z.literal('maria-token-shards'),
  version: z.union([z.literal(READABLE_PIPELINE_VERSIONS[0]), z.literal(READABLE_PIPELINE_VERSIONS[1])]),
  /** sha256 over the pipeline version, input contents, tokenizer and settings: equal keys mean an up-to-date folder. */
  buildKey: z.string(),
  dtype: z.literal('uint16'),
  byteOrder: z.literal('little'),
  sequenceLength: z.number().int().positive(),
  sequencesPerShard: z.number().int().positive(),
  tokenizer: z.object({
    path: z.string(),
    sha256: z.string(),
    fingerprint: z.string(),
    vocabSize: z.number().int().positive(),
    endOfTextId: z.number().int().nonnegative(),
  }),
  settings: z.object({
    validationFraction: z.number().min(0).max(1),
    seed: z.number().int(),
    format: z.enum(DOCUMENT_FORMATS),
    detokenizeWikitext: z.boolean(),
  }),
  inputs: z.array(
    z.object({
      path: z.string(),
      bytes: z.number().int().nonnegative(),
      sha256: z.string(),
      format: z.enum(FILE_FORMATS),
      documents: z.number().int().nonnegative(),
      /** Tokens this file contributed to both splits, `<|endoftext|>` separators included. */
      tokens: z.number().int().nonnegative(),
    }),
  ),
  splits: z.object({ train: splitSchema, val: splitSchema }),
});

export type CorpusManifest = z.infer<typeof manifestSchema>;

/**
 * Reads and validates `<directory>/manifest.json`. Returns `undefined` when there is none (a
 * folder never built, or one whose rebuild was interrupted); a manifest that exists but does
 * not parse or match the schema is a `CheckpointError`.
 */
export async function readManifest(directory: string): Promise<CorpusManifest | undefined> {
  const path = join(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(path, `cannot read the manifest (${(error as Error).message})`);
  }
  const json = parseJsonText(path, text);
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(path, `not a token-shard manifest: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch'}`);
  }
  return parsed.data;
}
