import { copyFile, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCheckpointFiles } from './checkpoint-files.js';
import { resolveMariaDir, resolveModelDir } from './hub-download.js';
import { useTempDir } from './io.test-support.js';
import { FAKE_HUB_URL, fakeHub, testDataPath } from '@maria-ts/core/testing';

const FIXTURES = testDataPath('fixtures');
const HUB = FAKE_HUB_URL;

describe('resolveModelDir', () => {
  const temp = useTempDir();
  afterEach(() => vi.unstubAllEnvs());

  it('returns a local directory as is, without any request', async () => {
    const hub = fakeHub({});
    expect(await resolveModelDir(join(FIXTURES, 'tiny-llama'), { fetch: hub.fetch, cacheDir: temp.path })).toBe(resolve(FIXTURES, 'tiny-llama'));
    expect(hub.requests).toEqual([]);
  });

  it('downloads config, tokenizer files and weights, which then load like the original; a second call is served from the cache', async () => {
    const hub = fakeHub({ 'lm-buddy/fake_gpt2': join(FIXTURES, 'lm-buddy-fake_gpt2') });
    const cacheDir = join(temp.path, 'cache-single');
    const local = await resolveModelDir('lm-buddy/fake_gpt2', { fetch: hub.fetch, cacheDir, hubUrl: HUB });
    expect(local).toBe(join(cacheDir, 'models--lm-buddy--fake_gpt2', 'main'));
    expect((await readdir(local)).sort()).toEqual(['config.json', 'merges.txt', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
    expect(await readdir(join(cacheDir, 'models--lm-buddy--fake_gpt2'))).toEqual(['main']);
    const downloaded = await loadCheckpointFiles(local);
    const original = await loadCheckpointFiles(join(FIXTURES, 'lm-buddy-fake_gpt2'));
    expect(downloaded.config).toEqual(original.config);
    expect(downloaded.tokenizer!.fingerprint()).toBe(original.tokenizer!.fingerprint());
    for (const [name, tensor] of original.tensors) expect(downloaded.tensors.get(name)!.data).toEqual(tensor.data);
    expect(hub.requests.some((request) => request.url.includes('/resolve/main/golden.json'))).toBe(false);

    const requestsBefore = hub.requests.length;
    expect(await resolveModelDir('lm-buddy/fake_gpt2', { fetch: hub.fetch, cacheDir, hubUrl: HUB })).toBe(local);
    expect(hub.requests.length).toBe(requestsBefore);
  });

  it('downloads a sharded checkpoint: the index and every shard it names, at the asked revision', async () => {
    const hub = fakeHub({ 'tiny/llama-sharded': join(FIXTURES, 'tiny-llama-sharded') });
    const local = await resolveModelDir('tiny/llama-sharded', { fetch: hub.fetch, cacheDir: join(temp.path, 'cache-sharded'), hubUrl: HUB, revision: 'v1.0' });
    expect(local.endsWith(join('models--tiny--llama-sharded', 'v1.0'))).toBe(true);
    expect((await readdir(local)).sort()).toEqual(['config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
    expect(hub.requests.every((request) => !request.url.includes('/resolve/') || request.url.includes('/resolve/v1.0/'))).toBe(true);
    expect((await loadCheckpointFiles(local)).tensors.size).toBe(21);
  });

  it('sends HF_TOKEN (or an explicit token) as a bearer token', async () => {
    const hub = fakeHub({ 'private/model': join(FIXTURES, 'tiny-llama') }, { requireToken: 'hf_secret' });
    await expect(resolveModelDir('private/model', { fetch: hub.fetch, cacheDir: join(temp.path, 'cache-token-none'), hubUrl: HUB })).rejects.toThrow(/HTTP 401/);
    vi.stubEnv('HF_TOKEN', 'hf_secret');
    const local = await resolveModelDir('private/model', { fetch: hub.fetch, cacheDir: join(temp.path, 'cache-token-env'), hubUrl: HUB });
    expect(await readdir(local)).toContain('model.safetensors');
    vi.unstubAllEnvs();
    await resolveModelDir('private/model', { fetch: hub.fetch, cacheDir: join(temp.path, 'cache-token-option'), hubUrl: HUB, accessToken: 'hf_secret' });
    expect(hub.requests.filter((request) => request.authorization === 'Bearer hf_secret').length).toBeGreaterThan(4);
  });

  it('refuses a corrupted download and leaves nothing in the cache', async () => {
    const original = await readFile(join(FIXTURES, 'tiny-llama/model.safetensors'));
    const flipped = Uint8Array.from(original);
    flipped[flipped.length - 1]! ^= 1;
    const cacheDir = join(temp.path, 'cache-corrupt');
    const corrupt = fakeHub({ 'x/corrupt': join(FIXTURES, 'tiny-llama') }, { corrupt: { 'model.safetensors': flipped } });
    await expect(resolveModelDir('x/corrupt', { fetch: corrupt.fetch, cacheDir, hubUrl: HUB })).rejects.toThrow(/model\.safetensors: sha256 does not match/);
    const truncated = fakeHub({ 'x/corrupt': join(FIXTURES, 'tiny-llama') }, { corrupt: { 'config.json': new Uint8Array([123, 125]) } });
    await expect(resolveModelDir('x/corrupt', { fetch: truncated.fetch, cacheDir, hubUrl: HUB })).rejects.toThrow(/config\.json: downloaded 2 bytes, the Hub lists \d+/);
    expect(await readdir(join(cacheDir, 'models--x--corrupt'))).toEqual([]);
  });

  it('reports repositories without safetensors, unknown repositories, bad ids and network failures as CheckpointErrors', async () => {
    const binOnly = join(temp.path, 'bin-only');
    await mkdir(binOnly);
    await writeFile(join(binOnly, 'config.json'), '{}');
    await writeFile(join(binOnly, 'pytorch_model.bin'), 'pickle');
    const hub = fakeHub({ 'old/model': binOnly });
    const options = { fetch: hub.fetch, cacheDir: join(temp.path, 'cache-errors'), hubUrl: HUB };
    await expect(resolveModelDir('old/model', options)).rejects.toThrow(/no safetensors weights .*found only pytorch_model\.bin, which is not supported/);
    await expect(resolveModelDir('no/such-model', options)).rejects.toThrow(/HTTP 404/);
    const requestsBefore = hub.requests.length;
    for (const bad of ['../escape', 'a/b/c', './missing-dir', 'owner/..']) {
      const failure = await resolveModelDir(bad, options).catch((error: unknown) => error);
      expect(CheckpointError.isInstance(failure), bad).toBe(true);
    }
    expect(hub.requests.length).toBe(requestsBefore);
    await expect(resolveModelDir('some/model', { ...options, hubUrl: 'https://elsewhere.test' })).rejects.toThrow(/cannot list files from the Hugging Face Hub \(fetch failed/);
    expect((await stat(join(temp.path, 'cache-errors'))).isDirectory()).toBe(true);
    expect(await readdir(join(temp.path, 'cache-errors', 'models--old--model'))).toEqual([]);
  });
});

describe('resolveModelDir with a Python huggingface_hub cache', () => {
  const temp = useTempDir();
  const COMMIT = 'a'.repeat(40);

  /**
   * A Python cache entry as huggingface_hub lays it out: files in `blobs/`, linked from
   * `snapshots/<commit>/`, and `refs/main` naming the commit.
   */
  async function pythonCache(name: string, files: readonly string[]): Promise<{ cacheDir: string; snapshot: string }> {
    const cacheDir = join(temp.path, name);
    const repository = join(cacheDir, 'models--lm-buddy--fake_gpt2');
    const snapshot = join(repository, 'snapshots', COMMIT);
    await mkdir(join(repository, 'blobs'), { recursive: true });
    await mkdir(snapshot, { recursive: true });
    await mkdir(join(repository, 'refs'));
    await writeFile(join(repository, 'refs', 'main'), COMMIT);
    for (const file of files) {
      await copyFile(join(FIXTURES, 'lm-buddy-fake_gpt2', file), join(repository, 'blobs', `blob-${file}`));
      await symlink(join('..', '..', 'blobs', `blob-${file}`), join(snapshot, file));
    }
    return { cacheDir, snapshot };
  }

  it('serves a complete snapshot of refs/main (or of the commit) without any request', async () => {
    const { cacheDir: pythonCacheDir, snapshot } = await pythonCache('complete', ['config.json', 'tokenizer.json', 'model.safetensors']);
    const hub = fakeHub({});
    const options = { fetch: hub.fetch, cacheDir: join(temp.path, 'ours'), pythonCacheDir, hubUrl: HUB };
    expect(await resolveModelDir('lm-buddy/fake_gpt2', options)).toBe(snapshot);
    expect(await resolveModelDir('lm-buddy/fake_gpt2', { ...options, revision: COMMIT })).toBe(snapshot);
    expect(hub.requests).toEqual([]);
    expect((await readFile(join(snapshot, 'model.safetensors'))).equals(await readFile(join(FIXTURES, 'lm-buddy-fake_gpt2', 'model.safetensors')))).toBe(true);
  });

  it('finds the cache through $HF_HUB_CACHE; passes over it when told (null), and over a snapshot without weights or another revision, to the Hub: offline a CheckpointError', async () => {
    const { cacheDir: complete, snapshot } = await pythonCache('from-env', ['config.json', 'model.safetensors']);
    const { cacheDir: noWeights } = await pythonCache('no-weights', ['config.json', 'tokenizer.json']);
    const offline = { fetch: fakeHub({}).fetch, cacheDir: join(temp.path, 'ours-offline'), hubUrl: 'https://offline.test' };
    vi.stubEnv('HF_HUB_CACHE', complete);
    try {
      expect(await resolveModelDir('lm-buddy/fake_gpt2', offline)).toBe(snapshot);
      await expect(resolveModelDir('lm-buddy/fake_gpt2', { ...offline, pythonCacheDir: null })).rejects.toThrow(
        /lm-buddy\/fake_gpt2@main.*cannot list files from the Hugging Face Hub \(fetch failed.*\); without network, pass a local checkpoint directory, or have the model in the cache first/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
    await expect(resolveModelDir('lm-buddy/fake_gpt2', { ...offline, pythonCacheDir: noWeights })).rejects.toThrow(/@main.*cannot list files/);
    await expect(resolveModelDir('lm-buddy/fake_gpt2', { ...offline, pythonCacheDir: complete, revision: 'v2' })).rejects.toThrow(/@v2.*cannot list files/);
  });
});


describe('resolveMariaDir', () => {
  const temp = useTempDir();

  /**
   * A MARIA directory as maria.json lays it out, from checkpoint fixtures: the shared tokenizer
   * at the root, ar/ (single weights, with a pickle beside that is never fetched), mlm/ (sharded),
   * head/, and a README.md outside every named part.
   */
  async function mariaRepository(name: string): Promise<string> {
    const root = join(temp.path, name);
    const copyInto = async (from: string, to: string, files: readonly string[]) => {
      await mkdir(to, { recursive: true });
      for (const file of files) await copyFile(join(FIXTURES, from, file), join(to, file));
    };
    await copyInto('lm-buddy-fake_gpt2', join(root, 'ar'), ['config.json', 'model.safetensors', 'tokenizer.json']);
    await writeFile(join(root, 'ar', 'pytorch_model.bin'), 'pickle');
    await copyInto('tiny-llama-sharded', join(root, 'mlm'), ['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    await copyInto('lm-buddy-fake_gpt2', root, ['tokenizer.json', 'tokenizer_config.json']);
    await copyInto('tiny-llama', join(root, 'head'), ['config.json', 'model.safetensors']);
    await writeFile(join(root, 'README.md'), 'model card');
    await writeFile(join(root, 'maria.json'), JSON.stringify({ format: 'maria', version: 1, ar: 'ar', mlm: 'mlm', head: 'head', tokenizer: 'tokenizer.json' }));
    return root;
  }

  it('downloads maria.json, the tokenizer, each named checkpoint and the head at the asked revision, atomically into the cache', async () => {
    const repository = await mariaRepository('repo');
    const hub = fakeHub({ 'someone/maria': repository });
    const cacheDir = join(temp.path, 'cache');
    const local = await resolveMariaDir('someone/maria@v2', { fetch: hub.fetch, cacheDir, hubUrl: HUB, pythonCacheDir: null });
    expect(local).toBe(join(cacheDir, 'models--someone--maria', 'v2'));
    expect((await readdir(local)).sort()).toEqual(['ar', 'head', 'maria.json', 'mlm', 'tokenizer.json', 'tokenizer_config.json']);
    expect((await readdir(join(local, 'ar'))).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect((await readdir(join(local, 'mlm'))).sort()).toEqual(['config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
    for (const file of ['maria.json', 'head/model.safetensors', 'mlm/model-00002-of-00002.safetensors']) {
      expect((await readFile(join(local, file))).equals(await readFile(join(repository, file))), file).toBe(true);
    }
    expect(hub.requests.every((request) => !request.url.includes('/resolve/') || request.url.includes('/resolve/v2/'))).toBe(true);
    expect(await readdir(join(cacheDir, 'models--someone--maria'))).toEqual(['v2']);
    const requests = hub.requests.length;
    expect(await resolveMariaDir('someone/maria@v2', { fetch: hub.fetch, cacheDir, hubUrl: HUB, pythonCacheDir: null })).toBe(local);
    expect(hub.requests.length).toBe(requests);
  });

  it('returns local paths and non-ids as given, without any request; reuses a complete Python cache snapshot in place', async () => {
    const repository = await mariaRepository('local');
    const hub = fakeHub({});
    const options = { fetch: hub.fetch, cacheDir: join(temp.path, 'cache-local'), hubUrl: HUB, pythonCacheDir: null };
    expect(await resolveMariaDir(repository, options)).toBe(repository);
    expect(await resolveMariaDir('./missing-dir', options)).toBe('./missing-dir');
    expect(await resolveMariaDir('missing-dir', options)).toBe('missing-dir');
    const commit = 'b'.repeat(40);
    const pythonCacheDir = join(temp.path, 'python-cache');
    const snapshot = join(pythonCacheDir, 'models--someone--maria', 'snapshots', commit);
    await mkdir(join(pythonCacheDir, 'models--someone--maria', 'refs'), { recursive: true });
    await writeFile(join(pythonCacheDir, 'models--someone--maria', 'refs', 'main'), commit);
    await mkdir(join(pythonCacheDir, 'models--someone--maria', 'snapshots'), { recursive: true });
    await symlink(repository, snapshot);
    expect(await resolveMariaDir('someone/maria', { ...options, pythonCacheDir })).toBe(snapshot);
    expect(hub.requests).toEqual([]);
  });

  it('refuses a repository without maria.json, a size mismatch and an offline Hub with CheckpointErrors, leaving nothing in the cache', async () => {
    const repository = await mariaRepository('repo-errors');
    const cacheDir = join(temp.path, 'cache-errors');
    const options = { cacheDir, hubUrl: HUB, pythonCacheDir: null };
    const backbone = fakeHub({ 'someone/backbone': join(FIXTURES, 'tiny-llama') });
    const missing = await resolveMariaDir('someone/backbone', { ...options, fetch: backbone.fetch }).catch((error: unknown) => error);
    expect(CheckpointError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/someone\/backbone@main.*not a MARIA repository: no maria\.json at its root/);
    const short = fakeHub({ 'someone/maria': repository }, { corrupt: { 'head/config.json': new Uint8Array([123, 125]) } });
    await expect(resolveMariaDir('someone/maria', { ...options, fetch: short.fetch })).rejects.toThrow(/someone\/maria@main.*head\/config\.json: downloaded 2 bytes, the Hub lists \d+/);
    const flipped = Uint8Array.from(await readFile(join(repository, 'ar', 'model.safetensors')));
    flipped[flipped.length - 1]! ^= 1;
    const corrupt = fakeHub({ 'someone/maria': repository }, { corrupt: { 'ar/model.safetensors': flipped } });
    await expect(resolveMariaDir('someone/maria', { ...options, fetch: corrupt.fetch })).rejects.toThrow(/ar\/model\.safetensors: sha256 does not match/);
    expect(await readdir(join(cacheDir, 'models--someone--maria'))).toEqual([]);
    await expect(resolveMariaDir('someone/maria', { ...options, fetch: corrupt.fetch, hubUrl: 'https://offline.test' })).rejects.toThrow(
      /someone\/maria@main.*cannot list files from the Hugging Face Hub \(fetch failed.*\); without network, pass a local checkpoint directory, or have the model in the cache first/,
    );
  });
});
