import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TINY = path.join(HERE, '..', 'packages', 'model-tiny', 'assets', 'maria');

/** Runs an example module in this process and returns what it printed. */
async function runExample(load: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  try {
    await load();
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

let cache: string;
beforeAll(async () => {
  cache = await mkdtemp(path.join(os.tmpdir(), 'maria-examples-'));
  // A Hub cache already holding two models, as a first download leaves it: no network.
  for (const [id, part] of [['maria-ts--tiny-ar', 'ar'], ['maria-ts--tiny-mlm', 'mlm']] as const) {
    const dir = path.join(cache, `models--${id}`, 'main');
    await cp(path.join(TINY, part), dir, { recursive: true });
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) await cp(path.join(TINY, file), path.join(dir, file));
  }
});
afterAll(() => rm(cache, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe('the examples (the user stories the READMEs show)', () => {
  it("README.md's first library example is examples/fill-embedded.ts, and it fills masks in under 10 lines", async () => {
    const readme = await readFile(path.join(HERE, '..', 'README.md'), 'utf8');
    const example = await readFile(path.join(HERE, 'fill-embedded.ts'), 'utf8');
    const first = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(first).toBe(example);
    expect(example.trim().split('\n').length).toBeLessThan(10);
    const printed = await runExample(() => import('./fill-embedded.js'));
    const [filled, ...best] = printed.split('\n');
    expect(filled).toMatch(/^The .+ sat on the .+\./);
    expect(best).toHaveLength(3);
    const logProbs = best.map((line) => Number(line.split(' ')[0]));
    expect([...logProbs].sort((a, b) => b - a)).toEqual(logProbs);
  });

  it('fill-hub-pair.ts loads an AR + MLM pair by Hub id from the cache and fills with the product-of-experts head', async () => {
    vi.stubEnv('MARIA_CACHE_DIR', cache);
    vi.stubEnv('HF_ENDPOINT', 'http://127.0.0.1:9'); // nothing listens: a download attempt would fail
    const printed = await runExample(() => import('./fill-hub-pair.js'));
    expect(printed).toMatch(/^The .+ sat on the mat\. -\d+\.\d\d$/);
  });
});
