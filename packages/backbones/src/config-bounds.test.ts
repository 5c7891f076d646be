import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from './create-backbone.js';
import { loadCheckpointFiles, saveCheckpointFiles } from './io/checkpoint-files.js';
import { useTempDir } from './io/io.test-support.js';
import { loadBackbone } from './load-backbone.js';
import { fixtureDir } from './testing/golden-fixtures.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

/** Each family's fixture and how its config spells the layer count. */
const FAMILIES = [
  { fixture: 'tiny-llama', layersKey: 'num_hidden_layers', layers: 2 },
  { fixture: 'tiny-olmo', layersKey: 'num_hidden_layers', layers: 2 },
  { fixture: 'tiny-modernbert', layersKey: 'num_hidden_layers', layers: 3 },
  { fixture: 'lm-buddy-fake_gpt2', layersKey: 'n_layer', layers: 1 },
  { fixture: 'lm-buddy-bert_tiniest', layersKey: 'num_hidden_layers', layers: 1 },
  { fixture: 'tiny-gpt-neox', layersKey: 'num_hidden_layers', layers: 2 },
] as const;

describe('config sizes are checked before any layer is planned', () => {
  const temp = useTempDir('maria-config-bounds-');

  /** Loads a copy of `fixture` with `edit` merged into its config.json; returns the error. */
  async function loadWith(fixture: string, edit: Record<string, unknown>): Promise<Error> {
    const dir = join(temp.path, `${fixture}-${Object.entries(edit).map(([key, value]) => `${key}-${String(value)}`).join('-')}`);
    await cp(fixtureDir(fixture), dir, { recursive: true });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, ...edit }));
    const failure = await loadBackbone(dir).then(
      (backbone) => {
        backbone.dispose();
        return new Error('loaded');
      },
      (error: unknown) => error as Error,
    );
    expect(CheckpointError.isInstance(failure), `expected a CheckpointError, got ${String(failure)}`).toBe(true);
    expect(failure.message).toContain(join(dir, 'config.json'));
    expect(failure.message).not.toContain('\n');
    return failure;
  }

  it.each(FAMILIES.flatMap((family) => [1e9, 100_000].map((layers) => ({ ...family, count: layers }))))(
    '$fixture: $layersKey = $count is refused at once',
    async ({ fixture, layersKey, count }) => {
      const failure = await loadWith(fixture, { [layersKey]: count });
      expect(failure.message).toContain(`${layersKey} = ${count} is invalid (expected an integer from 1 to 4096)`);
    },
  );

  it.each(FAMILIES)('$fixture: one layer more than the weights hold names both counts', async ({ fixture, layersKey, layers }) => {
    const failure = await loadWith(fixture, { [layersKey]: layers + 1, ...(fixture.startsWith('tiny-modernbert') ? { layer_types: null } : {}) });
    expect(failure.message).toContain(`the config asks for ${layers + 1} layers, but the weights hold ${layers}`);
  });

  it.each([
    ['tiny-llama', 'vocab_size', 1e9],
    ['tiny-llama', 'hidden_size', 2 ** 30],
    ['tiny-llama', 'intermediate_size', 1e12],
    ['tiny-llama', 'max_position_embeddings', 1e15],
    ['tiny-llama', 'num_attention_heads', 1e6],
    ['tiny-llama', 'num_key_value_heads', 1e6],
    ['tiny-llama', 'head_dim', 1e6],
    ['tiny-olmo', 'max_position_embeddings', 2 ** 40],
    ['tiny-modernbert', 'local_attention', 1e12],
    ['tiny-modernbert', 'global_attn_every_n_layers', 1e9],
    ['lm-buddy-fake_gpt2', 'n_positions', 1e12],
    ['lm-buddy-fake_gpt2', 'n_embd', 1e9],
    ['lm-buddy-bert_tiniest', 'type_vocab_size', 1e9],
  ] as const)('%s: %s = %d is out of bounds', async (fixture, key, value) => {
    const failure = await loadWith(fixture, { [key]: value });
    expect(failure.message).toMatch(new RegExp(`${key} = ${String(value).replace('+', '\\+')} is invalid \\(expected an integer from \\d+ to \\d+\\)`));
  });

  it('a fresh model whose sizes are each in bounds but together too large is refused before allocation', () => {
    const config = { vocab_size: 1 << 22, hidden_size: 1 << 16, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 1 << 10 };
    expect(() => createBackbone('llama', config, { seed: 0 })).toThrowError(/llama config: the config implies \d+ parameters, more than the 2147483648 a model here may have/);
  });
});

describe('unused checkpoint tensors', () => {
  const temp = useTempDir('maria-unused-tensors-');

  it('100,000 stray tensors in the header are one summary warning line', { timeout: 60_000 }, async () => {
    const dir = join(temp.path, 'stray');
    await cp(fixtureDir('tiny-llama'), dir, { recursive: true });
    const files = await loadCheckpointFiles(dir, { tokenizer: false });
    const tensors = new Map(files.tensors);
    for (let i = 0; i < 100_000; i++) tensors.set(`stray.${i}`, { shape: [1], data: new Float32Array([i]), storedDtype: 'F32' as const });
    await saveCheckpointFiles(dir, { config: files.config, tensors, dtype: 'F32' });
    const warnings: string[] = [];
    (await loadBackbone(dir, { onWarning: (line) => warnings.push(line) })).dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBe(`${dir}: ignoring 100000 tensors that the llama architecture does not use ('stray.0', 'stray.1', 'stray.2', 'stray.3', 'stray.4' and 99995 more)`);
  });

  it('a few stray tensors are named one per line', async () => {
    const files = await loadCheckpointFiles(fixtureDir('tiny-llama'), { tokenizer: false });
    const tensors = new Map(files.tensors);
    for (const name of ['extra.a', 'extra.b']) tensors.set(name, { shape: [1], data: new Float32Array([1]), storedDtype: 'F32' as const });
    const warnings: string[] = [];
    (await loadBackbone({ ...files, tensors }, { onWarning: (line) => warnings.push(line) })).dispose();
    expect(warnings).toEqual([`${files.dir}: ignoring tensor 'extra.a' that the llama architecture does not use`, `${files.dir}: ignoring tensor 'extra.b' that the llama architecture does not use`]);
  });
});
