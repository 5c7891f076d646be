import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError, InvalidArgumentError, writeFileAtomic } from '@maria-ts/core';
import { loadTokenizerFile, DEFAULT_TOKENIZER_PATH, type LoadedTokenizer } from '../tokenizer/load-tokenizer.js';
import { fileFormatOf, type DocumentFormat, type DocumentFormatChoice } from './document-format.js';
import { expandInputs } from './expand-inputs.js';
import { sha256Of, sha256OfFile } from './file-hash.js';
import { MANIFEST_FILE, PIPELINE_VERSION, readManifest, type CorpusManifest } from './manifest.js';
import { createProgressBar } from './progress-bar.js';
import { readDocuments } from './read-documents.js';
import { PackedShardWriter, SHARD_FILE_PATTERN, type SplitSummary } from './shard-writer.js';
import { splitOfDocument } from './validation-split.js';

/** Where `maria-train corpus` writes shards by default (git-ignored). */
export const DEFAULT_CORPUS_DIRECTORY = '.cache/corpus';

export interface BuildCorpusOptions {
  /** Files, folders or globs (see `expandInputs`). */
  readonly inputs: readonly string[];
  /** Output folder for shards and manifest.json. */
  readonly out?: string;
  /** A tokenizer.json; default the tiny tokenizer in packages/model-tiny/assets. */
  readonly tokenizer?: string;
  /** Tokens per packed sequence. Default 128. */
  readonly sequenceLength?: number;
  /** Sequences per shard file; the last shard of a split may hold fewer. Default 8192 (2 MiB shards at length 128). */
  readonly sequencesPerShard?: number;
  /** Share of documents sent to validation (see `splitOfDocument`). Default 0.01. */
  readonly validationFraction?: number;
  readonly seed?: number;
  /** How files are cut into documents; `auto` decides per file (see `detectDocumentFormat`). */
  readonly format?: DocumentFormatChoice;
  /** Undo WikiText's tokenization (` @-@ `, spaced punctuation) in `wikitext` files. Default true. */
  readonly detokenizeWikitext?: boolean;
  /** Documents tokenized between two progress updates (and abort checks). Default 256. */
  readonly batchDocuments?: number;
  /** Draw a progress bar on stderr. Default false (the CLI turns it on). */
  readonly progress?: boolean;
  /** Stops the build between batches; the folder is then left without a manifest, never with a partial shard. */
  readonly signal?: AbortSignal;
  /** Called after each batch, with bytes read and tokens produced so far. */
  readonly onBatch?: (progress: { bytesRead: number; tokens: number }) => void;
}

export interface CorpusBuildResult {
  readonly directory: string;
  /** True when an existing folder already matched the inputs and settings, and nothing was written. */
  readonly upToDate: boolean;
  readonly manifest: CorpusManifest;
  readonly seconds: number;
  /** Tokens per second of this build (0 when it was up to date). */
  readonly tokensPerSecond: number;
}

interface InputFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly format: DocumentFormat;
}

/**
 * Matches the temporary files core's `writeFileAtomic` creates (`.<name>.<pid>.<hex>.tmp`);
 * a build killed mid-write can leave one, and the next build removes it.
 */
const TEMPORARY_FILE_PATTERN = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/** True when every shard the manifest lists exists with the right size and checksum. */
async function shardsIntact(directory: string, manifest: CorpusManifest): Promise<boolean> {
  for (const split of [manifest.splits.train, manifest.splits.val]) {
    for (const shard of split.shards) {
      const path = join(directory, shard.file);
      const info = await stat(path).catch(() => undefined);
      if (!info || info.size !== shard.sequences * manifest.sequenceLength * 2) return false;
      if ((await sha256OfFile(path)) !== shard.sha256) return false;
    }
  }
  return true;
}

function checkOptions(sequenceLength: number, sequencesPerShard: number, validationFraction: number, seed: number, batchDocuments: number): void {
  if (!Number.isInteger(sequenceLength) || sequenceLength < 1) throw new InvalidArgumentError('sequence length', sequenceLength, 'a positive integer');
  if (!Number.isInteger(sequencesPerShard) || sequencesPerShard < 1) throw new InvalidArgumentError('sequences per shard', sequencesPerShard, 'a positive integer');
  if (!(validationFraction >= 0 && validationFraction <= 1)) throw new InvalidArgumentError('validation fraction', validationFraction, 'a number in [0, 1]');
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', seed, 'an integer');
  if (!Number.isInteger(batchDocuments) || batchDocuments < 1) throw new InvalidArgumentError('batch documents', batchDocuments, 'a positive integer');
}

function checkTokenizerFitsUint16(tokenizer: LoadedTokenizer): void {
  if (tokenizer.vocabSize > 65536) throw new InvalidArgumentError('tokenizer vocabulary size', tokenizer.vocabSize, 'at most 65536 ids, to fit uint16 shards');
}

/**
 * The corpus pipeline (`maria-train corpus`): streams each input file (text line by line, JSONL
 * record by record, Parquet row group by row group; see `readDocuments`),
 * normalises it and cuts it into documents, assigns each document to train or validation by
 * hash, tokenizes documents in batches with `<|endoftext|>` before each one, packs each
 * split's token stream into sequences of `sequenceLength` tokens and writes them as uint16
 * little-endian shards plus a manifest.json.
 *
 * Re-running is idempotent: when the folder's manifest has the same build key (pipeline
 * version, input contents, tokenizer bytes and settings) and its shards are intact, nothing
 * is written. Otherwise the old manifest is removed first, every shard is written atomically,
 * stale shards are deleted, and the new manifest is written last, so an interrupted build
 * leaves a folder that readers refuse and the next run rebuilds.
 */
export async function buildCorpus(options: BuildCorpusOptions): Promise<CorpusBuildResult> {
  const started = performance.now();
  const directory = options.out ?? DEFAULT_CORPUS_DIRECTORY;
  const sequenceLength = options.sequenceLength ?? 128;
  const sequencesPerShard = options.sequencesPerShard ?? 8192;
  const validationFraction = options.validationFraction ?? 0.01;
  const seed = options.seed ?? 0;
  const formatChoice = options.format ?? 'auto';
  const detokenize = options.detokenizeWikitext ?? true;
  const batchDocuments = options.batchDocuments ?? 256;
  checkOptions(sequenceLength, sequencesPerShard, validationFraction, seed, batchDocuments);

  const tokenizerPath = options.tokenizer ?? DEFAULT_TOKENIZER_PATH;
  const tokenizer = await loadTokenizerFile(tokenizerPath);
  checkTokenizerFitsUint16(tokenizer);

  const paths = await expandInputs(options.inputs);
  const inputs: InputFile[] = [];
  for (const path of paths) {
    inputs.push({
      path,
      bytes: (await stat(path)).size,
      sha256: await sha256OfFile(path),
      format: await fileFormatOf(path, formatChoice),
    });
  }
  const settings = { validationFraction, seed, format: formatChoice, detokenizeWikitext: detokenize };
  const buildKey = sha256Of(
    JSON.stringify({
      version: PIPELINE_VERSION,
      inputs: inputs.map(({ sha256, format }) => ({ sha256, format })),
      tokenizer: tokenizer.sha256,
      sequenceLength,
      sequencesPerShard,
      settings,
    }),
  );

  const existing = await readManifest(directory).catch(() => undefined);
  if (existing && existing.buildKey === buildKey && (await shardsIntact(directory, existing))) {
    return { directory, upToDate: true, manifest: existing, seconds: (performance.now() - started) / 1000, tokensPerSecond: 0 };
  }

  await mkdir(directory, { recursive: true });
  await unlink(join(directory, MANIFEST_FILE)).catch(() => undefined);
  for (const name of await readdir(directory)) {
    if (TEMPORARY_FILE_PATTERN.test(name)) await unlink(join(directory, name)).catch(() => undefined);
  }

  const writers = {
    train: new PackedShardWriter(directory, 'train', sequenceLength, sequencesPerShard),
    val: new PackedShardWriter(directory, 'val', sequenceLength, sequencesPerShard),
  };
  const totalBytes = inputs.reduce((sum, input) => sum + input.bytes, 0);
  const progress = createProgressBar(totalBytes, options.progress ?? false);
  const documentsPerInput: number[] = [];
  const tokensPerInput: number[] = [];
  let documentIndex = 0;
  let tokens = 0;
  let bytesBefore = 0;
  try {
    for (const input of inputs) {
      let bytesOfFile = 0;
      let documentsOfFile = 0;
      const tokensBeforeFile = tokens;
      let batch: string[] = [];
      const flushBatch = async () => {
        for (const document of batch) {
          const split = splitOfDocument(documentIndex, seed, validationFraction);
          const ids = [tokenizer.endOfTextId, ...tokenizer.encode(document)];
          await writers[split].appendDocument(ids);
          tokens += ids.length;
          documentIndex += 1;
        }
        batch = [];
        progress.update(bytesBefore + bytesOfFile, tokens);
        options.onBatch?.({ bytesRead: bytesBefore + bytesOfFile, tokens });
        if (options.signal?.aborted) throw new AbortedError(`building the corpus in ${directory}`);
      };
      const onBytes = (bytesRead: number) => {
        bytesOfFile = bytesRead;
      };
      for await (const document of readDocuments(input.path, input.format, { detokenize, onBytes })) {
        batch.push(document);
        documentsOfFile += 1;
        if (batch.length >= batchDocuments) await flushBatch();
      }
      await flushBatch();
      documentsPerInput.push(documentsOfFile);
      tokensPerInput.push(tokens - tokensBeforeFile);
      bytesBefore += input.bytes;
    }
  } finally {
    progress.stop();
  }
  const splits: Record<'train' | 'val', SplitSummary> = { train: await writers.train.finish(), val: await writers.val.finish() };

  const written = new Set([...splits.train.shards, ...splits.val.shards].map((shard) => shard.file));
  for (const name of await readdir(directory)) {
    if (SHARD_FILE_PATTERN.test(name) && !written.has(name)) await unlink(join(directory, name));
  }

  const manifest: CorpusManifest = {
    format: 'maria-token-shards',
    version: PIPELINE_VERSION,
    buildKey,
    dtype: 'uint16',
    byteOrder: 'little',
    sequenceLength,
    sequencesPerShard,
    tokenizer: { path: tokenizerPath, sha256: tokenizer.sha256, fingerprint: tokenizer.fingerprint, vocabSize: tokenizer.vocabSize, endOfTextId: tokenizer.endOfTextId },
    settings,
    inputs: inputs.map((input, index) => ({ ...input, documents: documentsPerInput[index] ?? 0, tokens: tokensPerInput[index] ?? 0 })),
    splits: {
      train: { ...splits.train, shards: [...splits.train.shards] },
      val: { ...splits.val, shards: [...splits.val.shards] },
    },
  };
  await writeFileAtomic(join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  return { directory, upToDate: false, manifest, seconds, tokensPerSecond: tokens / seconds };
}
