import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CheckpointError } from '@maria-ts/core';
import { TOKENIZER_FILES } from '../tokenizer/load-tokenizer.js';
import { CONFIG_FILE, SINGLE_WEIGHTS_FILE } from './checkpoint-files.js';
import { isDirectory, pathExists } from './path-exists.js';
import { readJsonFile } from './read-json-file.js';
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
  const target = cacheEntry(nameOrPath, revision, options);
  if (await isDirectory(target)) return target;
  const snapshot = await pythonCacheSnapshot(nameOrPath, revision, options.pythonCacheDir);
  if (snapshot !== null && (await hasCheckpointFiles(snapshot))) return snapshot;
  return downloadInto(target, async (partial) => downloadCheckpointFiles(await openHubRepository(nameOrPath, revision, options, false), partial, ''));
}

/** Our cache's folder for `modelId` at `revision`: `<cacheDir>/models--owner--name/<revision>`. */
function cacheEntry(modelId: string, revision: string, options: ResolveModelDirOptions): string {
  const cacheDir = options.cacheDir ?? process.env.MARIA_CACHE_DIR ?? join(homedir(), '.cache', 'maria-ts', 'hub');
  return join(cacheDir, `models--${modelId.replace('/', '--')}`, encodeURIComponent(revision));
}

/**
 * Runs `download` into a temporary folder beside `target`, then renames it into place, so the
 * cache never holds a partial download; a failure removes the temporary folder.
 */
async function downloadInto(target: string, download: (partial: string) => Promise<void>): Promise<string> {
  partialCounter += 1;
  const partial = `${target}.partial-${process.pid}-${partialCounter}`;
  await mkdir(partial, { recursive: true });
  try {
    await download(partial);
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
 * Python `huggingface_hub` cache, when the cache has that revision; else null. The caller
 * checks the snapshot holds what it needs, else the model is downloaded into our own cache.
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
  return (await isDirectory(snapshot)) ? snapshot : null;
}

/** True when `dir` holds config.json and every safetensors file of a checkpoint (`model.safetensors`, or the index and each shard it names). */
async function hasCheckpointFiles(dir: string): Promise<boolean> {
  if (!(await pathExists(join(dir, CONFIG_FILE)))) return false;
  if (await pathExists(join(dir, SINGLE_WEIGHTS_FILE))) return true;
  if (!(await pathExists(join(dir, SHARDED_INDEX_FILE)))) return false;
  const index = await readShardedIndex(join(dir, SHARDED_INDEX_FILE));
  for (const shard of index.shards) if (!(await pathExists(join(dir, shard)))) return false;
  return true;
}

interface HubFile {
  readonly path: string;
  readonly size: number;
  /** sha256 of the content, known for LFS files. */
  readonly sha256?: string;
}

/** A Hub repository at one revision: its file listing, and a download of one listed file (size and LFS sha256 checked) into a local folder. */
interface HubRepository {
  /** `owner/name@revision`, for error messages. */
  readonly where: string;
  readonly files: ReadonlyMap<string, HubFile>;
  download(path: string, directory: string): Promise<void>;
}

/** Lists a Hub repository's files (root files only, or every file when `recursive`); Hub and network failures are `CheckpointError`s. */
async function openHubRepository(modelId: string, revision: string, options: ResolveModelDirOptions, recursive: boolean): Promise<HubRepository> {
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
    for await (const entry of hub.listFiles({ ...common, recursive })) {
      if (entry.type === 'file') files.set(entry.path, { path: entry.path, size: entry.lfs?.size ?? entry.size, sha256: entry.lfs?.oid });
    }
  });
  const download = async (path: string, directory: string): Promise<void> => {
    const listed = files.get(path);
    if (listed === undefined) throw new CheckpointError(where, `the repository has no ${path}`);
    const blob = await hubCall(where, `download ${path}`, () => hub.downloadFile({ ...common, path }));
    if (blob === null) throw new CheckpointError(where, `the Hub has no ${path}`);
    const file = join(directory, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await hubCall(where, `download ${path}`, () => saveStream(where, blob.stream() as unknown as WebReadableStream<Uint8Array>, file, listed));
  };
  return { where, files, download };
}

/**
 * Downloads the checkpoint in the repository folder `prefix` (`''` for the root, else ending
 * in `/`): config.json, the tokenizer files that exist, and the safetensors weights
 * (model.safetensors, or the index and every shard it names).
 */
async function downloadCheckpointFiles(repository: HubRepository, directory: string, prefix: string): Promise<void> {
  const { files, where } = repository;
  const fetchFile = (name: string) => repository.download(`${prefix}${name}`, directory);
  await fetchFile(CONFIG_FILE);
  for (const name of TOKENIZER_FILES) if (files.has(`${prefix}${name}`)) await fetchFile(name);
  if (files.has(`${prefix}${SINGLE_WEIGHTS_FILE}`)) {
    await fetchFile(SINGLE_WEIGHTS_FILE);
  } else if (files.has(`${prefix}${SHARDED_INDEX_FILE}`)) {
    await fetchFile(SHARDED_INDEX_FILE);
    const index = await readShardedIndex(join(directory, prefix, SHARDED_INDEX_FILE));
    for (const shard of index.shards) await fetchFile(shard);
  } else {
    const others = [...files.keys()].filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/') && /\.(bin|pt|pth|ckpt|h5|msgpack|gguf)$/.test(path));
    throw new CheckpointError(where, `no safetensors weights (${prefix}${SINGLE_WEIGHTS_FILE} or ${prefix}${SHARDED_INDEX_FILE})${others.length ? `; found only ${others.join(', ')}, which is not supported` : ''}`);
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

/** The manifest at the root of a MARIA directory (read in full by `@maria-ts/fusion-head`). */
const MARIA_MANIFEST = 'maria.json';

/** A MARIA repository on the Hub: `owner/name`, optionally `@revision`. */
const MARIA_HUB_ID = /^([A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9][A-Za-z0-9._-]*))?$/;

/** The parts maria.json names, as repository paths: checkpoint folders, the head folder and the shared tokenizer.json. */
interface MariaParts {
  readonly checkpoints: readonly string[];
  readonly head: string;
  readonly tokenizer: string;
}

/** The parts a maria.json names; each must be a relative path inside the directory (the full check is `readMariaManifest`'s). */
async function readMariaParts(file: string, where: string): Promise<MariaParts> {
  const raw = (await readJsonFile(file)) as Record<string, unknown> | null;
  const part = (key: string, optional = false): string | undefined => {
    const value = raw?.[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.length === 0) throw new CheckpointError(where, `${MARIA_MANIFEST}: ${key} must name a path inside the repository`);
    const path = value.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    if (path.startsWith('/') || path.split('/').some((piece) => piece === '..' || piece === '')) throw new CheckpointError(where, `${MARIA_MANIFEST}: ${key} must be a relative path inside the repository, got ${value}`);
    return path;
  };
  if (typeof raw !== 'object' || raw === null) throw new CheckpointError(where, `${MARIA_MANIFEST} is not a JSON object`);
  const diffusion = part('diffusion', true);
  return { checkpoints: [part('ar')!, part('mlm')!, ...(diffusion ? [diffusion] : [])], head: part('head')!, tokenizer: part('tokenizer')! };
}

/** True when a local MARIA directory (a Python cache snapshot) has maria.json, the tokenizer, the head folder and every checkpoint it names. */
async function hasMariaFiles(dir: string, where: string): Promise<boolean> {
  if (!(await pathExists(join(dir, MARIA_MANIFEST)))) return false;
  const parts = await readMariaParts(join(dir, MARIA_MANIFEST), where);
  if (!(await pathExists(join(dir, parts.tokenizer))) || !(await isDirectory(join(dir, parts.head)))) return false;
  for (const checkpoint of parts.checkpoints) if (!(await hasCheckpointFiles(join(dir, checkpoint)))) return false;
  return true;
}

/**
 * Turns a MARIA model reference into a local MARIA directory (maria.json and the parts it names).
 * - An existing local path is returned as it was given, and so is anything that is not a Hub id
 *   (`owner/name`, optionally `@revision`): the MARIA loader reports a missing directory.
 * - Otherwise, as `resolveModelDir` does for one checkpoint: our cache's entry when present;
 *   else a complete snapshot of a Python `huggingface_hub` cache, used in place; else the
 *   repository's files are listed recursively, maria.json is required (a `CheckpointError`
 *   naming the repository otherwise) and downloaded with: the shared tokenizer.json and the
 *   tokenizer_config.json beside it, for each backbone folder (ar, mlm, diffusion) its
 *   config.json, tokenizer files and safetensors weights (single or sharded), and every file of
 *   the head folder. Sizes and LFS sha256 are checked, and the folder is renamed into the cache
 *   only when complete. Hub and network failures are `CheckpointError`s saying how to work offline.
 */
export async function resolveMariaDir(nameOrPath: string, options: ResolveModelDirOptions = {}): Promise<string> {
  if (await pathExists(nameOrPath)) return nameOrPath;
  const match = MARIA_HUB_ID.exec(nameOrPath);
  if (match === null || match[1]!.split('/').some((part) => part === '.' || part === '..')) return nameOrPath;
  const modelId = match[1]!;
  const revision = match[2] ?? options.revision ?? 'main';
  const where = `${modelId}@${revision}`;
  const target = cacheEntry(modelId, revision, options);
  if (await isDirectory(target)) return target;
  const snapshot = await pythonCacheSnapshot(modelId, revision, options.pythonCacheDir);
  if (snapshot !== null && (await hasMariaFiles(snapshot, where))) return snapshot;
  return downloadInto(target, async (partial) => {
    const repository = await openHubRepository(modelId, revision, options, true);
    if (!repository.files.has(MARIA_MANIFEST)) throw new CheckpointError(where, `not a MARIA repository: no ${MARIA_MANIFEST} at its root`);
    await repository.download(MARIA_MANIFEST, partial);
    const parts = await readMariaParts(join(partial, MARIA_MANIFEST), where);
    await repository.download(parts.tokenizer, partial);
    const tokenizerConfig = `${parts.tokenizer.includes('/') ? parts.tokenizer.slice(0, parts.tokenizer.lastIndexOf('/') + 1) : ''}tokenizer_config.json`;
    if (repository.files.has(tokenizerConfig)) await repository.download(tokenizerConfig, partial);
    for (const checkpoint of parts.checkpoints) await downloadCheckpointFiles(repository, partial, `${checkpoint}/`);
    const headFiles = [...repository.files.keys()].filter((path) => path.startsWith(`${parts.head}/`));
    if (headFiles.length === 0) throw new CheckpointError(where, `the repository has no files under ${parts.head}/ (the head ${MARIA_MANIFEST} names)`);
    for (const path of headFiles) await repository.download(path, partial);
  });
}
