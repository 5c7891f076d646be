import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, initEngine } from '@maria-ts/core';
import { FAKE_HUB_URL, fakeHub } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMaria } from './load-maria.js';

let temp: string;
let mariaDir: string;
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'maria-hub-'));
  await initEngine({ engine: 'wasm', threads: 1 });
  const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 5 });
  mariaDir = join(temp, 'random-maria');
  try {
    await saveMariaModel(model, mariaDir);
  } finally {
    model.dispose();
  }
});
afterAll(() => rm(temp, { recursive: true, force: true }));

describe('loadMaria from a Hub id', () => {
  it('downloads a MARIA directory once into the cache and fills exactly as the local directory does', async () => {
    const hub = fakeHub({ 'someone/random-maria': mariaDir });
    const options = { fetch: hub.fetch, hubUrl: FAKE_HUB_URL, cacheDir: join(temp, 'cache'), pythonCacheDir: null, engine: 'wasm', threads: 1 };
    const fromHub = await loadMaria('someone/random-maria', options);
    const local = await loadMaria(mariaDir, options);
    try {
      expect(fromHub.name).toBe('someone/random-maria');
      const text = 'The [MASK] sat on the [MASK].';
      const [a, b] = [await fromHub.fill(text, { seed: 7, tokensPerMask: [2, 1] }), await local.fill(text, { seed: 7, tokensPerMask: [2, 1] })];
      expect(a.filled.map((token) => token.id)).toEqual(b.filled.map((token) => token.id));
      expect(a.filled.map((token) => token.logProb)).toEqual(b.filled.map((token) => token.logProb));
    } finally {
      fromHub.dispose();
      local.dispose();
    }
    const cached = join(temp, 'cache', 'models--someone--random-maria', 'main');
    expect((await readdir(cached)).sort()).toEqual((await readdir(mariaDir)).sort());
    const requests = hub.requests.length;
    (await loadMaria('someone/random-maria', options)).dispose();
    expect(hub.requests.length).toBe(requests);
  });

  it('refuses a repository without maria.json with a CheckpointError naming it', async () => {
    const hub = fakeHub({ 'someone/just-a-backbone': join(mariaDir, 'ar') });
    const failure = await loadMaria('someone/just-a-backbone', { fetch: hub.fetch, hubUrl: FAKE_HUB_URL, cacheDir: join(temp, 'cache-none'), pythonCacheDir: null, engine: 'wasm', threads: 1 }).catch((error: unknown) => error);
    expect(CheckpointError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/someone\/just-a-backbone@main.*not a MARIA repository: no maria\.json/);
  });
});
