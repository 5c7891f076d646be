import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { loadCheckpointFiles, readCheckpointWeights, saveCheckpointFiles } from './checkpoint-files.js';
import type { WritableTensor } from './host-tensor.js';
import { useTempDir } from './io.test-support.js';
import { testDataPath } from '@maria-ts/core/testing';

const FIXTURES = testDataPath('fixtures');

describe('loadCheckpointFiles', () => {
  const temp = useTempDir();

  it('loads config, weights and tokenizer of a transformers-written checkpoint', async () => {
    const checkpoint = await loadCheckpointFiles(join(FIXTURES, 'lm-buddy-fake_gpt2'));
    expect(checkpoint.config.model_type).toBe('gpt2');
    expect(checkpoint.tensors.get('transformer.wte.weight')!.shape).toEqual([50257, 2]);
    expect(checkpoint.tokenizer?.vocabSize).toBe(50257);
    const withoutTokenizer = await loadCheckpointFiles(join(FIXTURES, 'lm-buddy-fake_gpt2'), { tokenizer: false, names: ['transformer.wte.weight'] });
    expect(withoutTokenizer.tokenizer).toBeUndefined();
    expect([...withoutTokenizer.tensors.keys()]).toEqual(['transformer.wte.weight']);
  });

  it('loads a sharded checkpoint like its single-file twin, and a directory without a tokenizer', async () => {
    const sharded = await loadCheckpointFiles(join(FIXTURES, 'tiny-llama-sharded'));
    const single = await loadCheckpointFiles(join(FIXTURES, 'tiny-llama'));
    expect(sharded.tokenizer).toBeUndefined();
    expect(sharded.config).toEqual(single.config);
    expect(new Set(sharded.tensors.keys())).toEqual(new Set(single.tensors.keys()));
    for (const [name, tensor] of single.tensors) expect(sharded.tensors.get(name)!.data).toEqual(tensor.data);
  });

  it('reports a missing directory, config or weights and invalid config JSON', async () => {
    await expect(loadCheckpointFiles(join(temp.path, 'absent'))).rejects.toThrow(/not a checkpoint directory/);
    const empty = join(temp.path, 'empty');
    await mkdir(empty);
    await expect(loadCheckpointFiles(empty)).rejects.toThrow(/config\.json: cannot read file \(ENOENT\)/);
    await writeFile(join(empty, 'config.json'), '{"model_type": "llama",');
    await expect(loadCheckpointFiles(empty)).rejects.toThrow(/config\.json: invalid JSON/);
    await writeFile(join(empty, 'config.json'), '[1]');
    await expect(loadCheckpointFiles(empty)).rejects.toThrow(/config is not a JSON object/);
    await writeFile(join(empty, 'config.json'), '{}');
    const failure = await loadCheckpointFiles(empty).catch((error: unknown) => error);
    expect(CheckpointError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/no weights found/);
  });
});

describe('saveCheckpointFiles', () => {
  const temp = useTempDir();

  const tensors = new Map<string, WritableTensor>([
    ['embed', { shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, index) => index / 8) }],
    ['norm', { shape: [3], data: new Float32Array([1, 1.5, -2]) }],
    ['head', { shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, index) => -index / 4) }],
  ]);

  it('round-trips config, weights and tokenizer (same fingerprint and special tokens)', async () => {
    const target = join(temp.path, 'single');
    const source = await loadTokenizer(join(FIXTURES, 'lm-buddy-fake_gpt2'));
    const tokenizerConfig = JSON.parse(await readFile(join(FIXTURES, 'lm-buddy-fake_gpt2/tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    await saveCheckpointFiles(target, { config: { model_type: 'llama', hidden_size: 3 }, tensors, dtype: 'BF16', tokenizerJson: source.json, tokenizerConfig });
    expect((await readdir(target)).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const loaded = await loadCheckpointFiles(target);
    expect(loaded.config).toEqual({ model_type: 'llama', hidden_size: 3 });
    expect(loaded.tensors.get('norm')!.storedDtype).toBe('BF16');
    expect(Array.from(loaded.tensors.get('embed')!.data)).toEqual(Array.from(tensors.get('embed')!.data));
    expect(loaded.tokenizer!.fingerprint()).toBe(source.fingerprint());
    expect(loaded.tokenizer!.specialTokens).toEqual(source.specialTokens);
  });

  it('shards by byte budget with an index the loader reads, and replaces one layout with the other', async () => {
    const target = join(temp.path, 'layouts');
    await saveCheckpointFiles(target, { config: { a: 1 }, tensors, dtype: 'F32', maxShardBytes: 50 });
    // 48 + 12 > 50 → embed alone; 12 + 48 > 50 → norm alone; head alone.
    expect((await readdir(target)).sort()).toEqual([
      'config.json',
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    const index = JSON.parse(await readFile(join(target, 'model.safetensors.index.json'), 'utf8')) as { metadata: { total_size: number } };
    expect(index.metadata.total_size).toBe(4 * 27);
    const sharded = await readCheckpointWeights(target);
    expect([...sharded.keys()]).toEqual(['embed', 'norm', 'head']);
    expect(Array.from(sharded.get('head')!.data)).toEqual(Array.from(tensors.get('head')!.data));

    await saveCheckpointFiles(target, { config: { a: 2 }, tensors, dtype: 'F16' });
    expect((await readdir(target)).sort()).toEqual(['config.json', 'model.safetensors']);
    await saveCheckpointFiles(target, { config: { a: 3 }, tensors, dtype: 'F16', maxShardBytes: 1000 });
    expect((await readdir(target)).sort()).toEqual(['config.json', 'model-00001-of-00001.safetensors', 'model.safetensors.index.json']);
    expect((await loadCheckpointFiles(target)).config).toEqual({ a: 3 });
  });

  it('rejects a bad shard budget before writing anything', async () => {
    const target = join(temp.path, 'bad-budget');
    await expect(saveCheckpointFiles(target, { config: {}, tensors, dtype: 'F32', maxShardBytes: 0 })).rejects.toThrow(/maxShardBytes/);
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });
});
