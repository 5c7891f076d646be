import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CheckpointError } from '@maria-ts/core';
import { TOKENIZER_FILES } from '../tokenizer/load-tokenizer.js';
import { CONFIG_FILE, SINGLE_WEIGHTS_FILE } from './checkpoint-files.js';
import { isDirectory, pathExists } from './path-exists.js';
import { readShardedIndex, SHARDED_INDEX_FILE } from './sharded-index.js';

export interface ResolveModelDirOptions {
  /**
   * Where downloaded checkpoints are kept, one folder per model and revision.
   * Default: `$MARIA_CACHE_DIR`, else `~/.cache/maria-ts/hub`.
   */
  readonly cacheDir?: string;
  /**
   * A Python `huggingface_hub` cache to reuse (`models--owner--name/refs/<revision>` naming a
   * folder under `snapshots/`). Default: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else
   * `~/.cache/huggingface/hub`; `null` skips it.
   */
  readonly pythonCacheDir?: string | null;
  /** Branch, tag or commit; default `main`. */
  readonly revision?: string;
  /**
   * The `fetch` every Hub request goes through. Defaults to the global `fetch`; tests pass
   * a fake that serves files from a local folder, and users may pass one with a proxy.
   */
  readonly fetch?: typeof fetch;
  /** Hub access token for gated/private models; default `$HF_TOKEN`. */
  readonly accessToken?: string;
  /** Hub base URL; default https://huggingface.co (or `$HF_ENDPOINT`). */
  readonly hubUrl?: string;
}

/** Hugging Face model ids: `name` or `owner/name`, letters, digits, `-`, `_`, `.`. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

let partialCounter = 0;

/**
 * Turns a model reference into a local checkpoint directory.
 * - An existing local directory is returned as is (resolved to an absolute path).
 * - Otherwise `nameOrPath` must be a Hub model id (`owner/name`). If the cache already
 *   holds that model at that revision, its folder is returned without any network access;
 *   so is the snapshot folder of a Python `huggingface_hub` cache (`pythonCacheDir`) that
 *   holds config.json and all the safetensors weights of that revision.
 *   Else the repository's root listing is fetched and config.json, the tokenizer files that
 *   exist (tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.json,
 *   merges.txt) and the safetensors weights (model.safetensors, or the index and every
 *   shard it names) are downloaded with `@huggingface/hub` into a temporary folder beside
 *   the cache entry. Sizes are checked against the listing and LFS files against their
 *   sha256; then the folder is renamed into place, so the cache never holds a partial model.
 * PyTorch `.bin` weights are not supported (they are pickles); such a repository is a
 * `CheckpointError`, as is any Hub or network failure.
 */
export async function resolveModelDir(nameOrPath: string, options: ResolveModelDirOptions = {}): Promise<string> {
  if (await isDirectory(nameOrPath)) return resolve(nameOrPath);
  if (!MODEL_ID.test(nameOrPath) || nameOrPath.split('/').some((part) => part === '.' || part === '..')) {
    throw new CheckpointError(nameOrPath, 'neither an existing local directory nor a Hugging Face model id (owner/name)');
  }
  if (await pathExists(nameOrPath)) throw new CheckpointError(nameOrPath, 'is a file; a checkpoint is a directory');
  const revision = options.revision ?? 'main';
  const cacheDir = options.cacheDir ?? process.env.MARIA_CACHE_DIR ?? join(homedir(), '.cache', 'maria-ts', 'hub');
  const target = join(cacheDir, `models--${nameOrPath.replace('/', '--')}`, encodeURIComponent(revision));
  if (await isDirectory(target)) return target;
  const snapshot = await pythonCacheSnapshot(nameOrPath, revision, options.pythonCacheDir);
  if (snapshot !== null) return snapshot;

  partialCounter += 1;
  const partial = `${target}.partial-${process.pid}-${partialCounter}`;
  await mkdir(partial, { recursive: true });
  try {
    await downloadCheckpoint(nameOrPath, revision, partial, options);
    try {
      await rename(partial, target);
    } catch (error) {
      // Another process finished the same download first: keep theirs.
      if (!(await isDirectory(target))) throw error;
      await rm(partial, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return target;
}

/** The default Python `huggingface_hub` cache: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
function defaultPythonCacheDir(): string {
  if (process.env.HF_HUB_CACHE) return process.env.HF_HUB_CACHE;
  return join(process.env.HF_HOME ?? join(homedir(), '.cache', 'huggingface'), 'hub');
}

/**
 * The snapshot folder of `modelId` at `revision` (a ref such as `main`, or a commit) in a
 * Python `huggingface_hub` cache, when it holds config.json and every safetensors file of the
 * checkpoint (`model.safetensors`, or the index and each shard it names); else null, and the
 * model is downloaded into our own cache instead.
 */
async function pythonCacheSnapshot(modelId: string, revision: string, cacheDir: string | null = defaultPythonCacheDir()): Promise<string | null> {
  if (cacheDir === null) return null;
  const repository = join(cacheDir, `models--${modelId.replace('/', '--')}`);
  let commit = revision;
  if (!/^[0-9a-f]{40}$/.test(revision)) {
    try {
      commit = (await readFile(join(repository, 'refs', revision), 'utf8')).trim();
    } catch {
      return null;
    }
  }
  if (!/^[0-9a-f]{40}$/.test(commit)) return null;
  const snapshot = join(repository, 'snapshots', commit);
  if (!(await pathExists(join(snapshot, CONFIG_FILE)))) return null;
  if (await pathExists(join(snapshot, SINGLE_WEIGHTS_FILE))) return snapshot;
  if (!(await pathExists(join(snapshot, SHARDED_INDEX_FILE)))) return null;
  const index = await readShardedIndex(join(snapshot, SHARDED_INDEX_FILE));
  for (const shard of index.shards) if (!(await pathExists(join(snapshot, shard)))) return null;
  return snapshot;
}

interface HubFile {
  readonly path: string;
  readonly size: number;
  /** sha256 of the content, known for LFS files. */
  readonly sha256?: string;
}

async function downloadCheckpoint(modelId: string, revision: string, directory: string, options: ResolveModelDirOptions): Promise<void> {
  const hub = await import('@huggingface/hub');
  const accessToken = options.accessToken ?? process.env.HF_TOKEN;
  const common = {
    repo: { type: 'model' as const, name: modelId },
    revision,
    hubUrl: options.hubUrl ?? process.env.HF_ENDPOINT,
    fetch: options.fetch,
    ...(accessToken ? { accessToken } : {}),
  };
  const where = `${modelId}@${revision}`;
  const files = new Map<string, HubFile>();
  await hubCall(where, 'list files', async () => {
    for await (const entry of hub.listFiles(common)) {
      if (entry.type === 'file') files.set(entry.path, { path: entry.path, size: entry.lfs?.size ?? entry.size, sha256: entry.lfs?.oid });
    }
  });
  const fetchFile = async (path: string): Promise<void> => {
    const listed = files.get(path);
    if (listed === undefined) throw new CheckpointError(where, `the repository has no ${path}`);
    const blob = await hubCall(where, `download ${path}`, () => hub.downloadFile({ ...common, path }));
    if (blob === null) throw new CheckpointError(where, `the Hub has no ${path}`);
    await hubCall(where, `download ${path}`, () => saveStream(where, blob.stream() as unknown as WebReadableStream<Uint8Array>, join(directory, path), listed));
  };

  await fetchFile(CONFIG_FILE);
  for (const name of TOKENIZER_FILES) if (files.has(name)) await fetchFile(name);
  if (files.has(SINGLE_WEIGHTS_FILE)) {
    await fetchFile(SINGLE_WEIGHTS_FILE);
  } else if (files.has(SHARDED_INDEX_FILE)) {
    await fetchFile(SHARDED_INDEX_FILE);
    const index = await readShardedIndex(join(directory, SHARDED_INDEX_FILE));
    for (const shard of index.shards) await fetchFile(shard);
  } else {
    const others = [...files.keys()].filter((path) => /\.(bin|pt|pth|ckpt|h5|msgpack|gguf)$/.test(path));
    throw new CheckpointError(where, `no safetensors weights (${SINGLE_WEIGHTS_FILE} or ${SHARDED_INDEX_FILE})${others.length ? `; found only ${others.join(', ')}, which is not supported` : ''}`);
  }
}

/** Streams a download to disk, checking its size and (for LFS files) its sha256, then fsyncs it. */
async function saveStream(where: string, stream: WebReadableStream<Uint8Array>, file: string, expected: HubFile): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(stream), meter, createWriteStream(file));
  if (bytes !== expected.size) throw new CheckpointError(where, `${expected.path}: downloaded ${bytes} bytes, the Hub lists ${expected.size}`);
  if (expected.sha256 !== undefined && hash.digest('hex') !== expected.sha256) {
    throw new CheckpointError(where, `${expected.path}: sha256 does not match the Hub's LFS object id ${expected.sha256}`);
  }
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Runs a Hub operation, turning library and network errors into `CheckpointError`s (a network failure says how to work offline). */
async function hubCall<T>(where: string, what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (CheckpointError.isInstance(error)) throw error;
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') throw new CheckpointError(where, `cannot ${what} from the Hugging Face Hub (HTTP ${status}: ${(error as Error).message})`);
    // No HTTP answer at all: most often no network. Say where a model can come from instead.
    throw new CheckpointError(
      where,
      `cannot ${what} from the Hugging Face Hub (${(error as Error).message}); without network, pass a local checkpoint directory, or have the model in the cache first ($MARIA_CACHE_DIR or ~/.cache/maria-ts/hub, or a Python huggingface_hub cache)`,
    );
  }
}
