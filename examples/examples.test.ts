import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMaria } from '@maria-ts/maria';
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

  /** Each package README's first code block, the file it must equal, and that file run as a module. */
  const READMES: readonly [string, () => Promise<unknown>][] = [
    ['annealer', () => import('./readme/annealer.js')],
    ['backbones', () => import('./readme/backbones.js')],
    ['benchmarks', () => import('./readme/benchmarks.js')],
    ['cli-kit', () => import('./readme/cli-kit.js')],
    ['core', () => import('./readme/core.js')],
    ['elo', () => import('./readme/elo.js')],
    ['eval', () => import('./readme/eval.js')],
    ['fusion-head', () => import('./readme/fusion-head.js')],
    ['kv-decoder', () => import('./readme/kv-decoder.js')],
    ['masking', () => import('./readme/masking.js')],
    ['model-tiny', () => import('./readme/model-tiny.js')],
    ['optim', () => import('./readme/optim.js')],
    ['server', () => import('./readme/server.js')],
  ];

  it('every package README starts with its runnable example, and every example runs', async () => {
    const packages = (await readdir(path.join(HERE, '..', 'packages'))).sort();
    expect(packages).toEqual([...READMES.map(([name]) => name), 'maria', 'trainer'].sort());
    const maria = /```ts\n([\s\S]*?)```/.exec(await readFile(path.join(HERE, '..', 'packages', 'maria', 'README.md'), 'utf8'))?.[1];
    expect(maria).toBe(await readFile(path.join(HERE, 'fill-embedded.ts'), 'utf8'));
    for (const [name, load] of READMES) {
      const readme = await readFile(path.join(HERE, '..', 'packages', name, 'README.md'), 'utf8');
      expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1], name).toBe(await readFile(path.join(HERE, 'readme', `${name}.ts`), 'utf8'));
      expect(await runExample(load), name).not.toBe('');
    }
  });

  it('train-head.ts trains a head on a text for a few steps from the product-of-experts start and exports a MARIA directory; its first block is the trainer README', async () => {
    const readme = await readFile(path.join(HERE, '..', 'packages', 'trainer', 'README.md'), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(await readFile(path.join(HERE, 'train-head.ts'), 'utf8'));
    const printed = await runExample(() => import('./train-head.js'));
    const match = /^validation loss (\d+\.\d+) -> (\d+\.\d+); MARIA directory (.+)$/.exec(printed);
    expect(match, printed).not.toBeNull();
    const maria = await loadMaria(match?.[3] as string);
    try {
      expect((await maria.fill('The [MASK] is a library.', { temperature: 0 })).text).toMatch(/^The .+ is a library\.$/);
    } finally {
      maria.dispose();
      await rm(path.dirname(match?.[3] as string), { recursive: true, force: true });
    }
  });
});
