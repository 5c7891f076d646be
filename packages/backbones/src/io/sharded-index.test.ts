import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from './read-safetensors.js';
import { useTempDir } from './io.test-support.js';
import { readShardedIndex, readShardedSafetensors, SHARDED_INDEX_FILE } from './sharded-index.js';
import { writeSafetensors } from './write-safetensors.js';
import { testDataPath } from '@maria-ts/core/testing';

const FIXTURES = testDataPath('fixtures');

describe('sharded safetensors', () => {
  const temp = useTempDir();

  it('loads the sharded fixture to exactly the tensors of the single-file one', async () => {
    const sharded = await readShardedSafetensors(join(FIXTURES, 'tiny-llama-sharded', SHARDED_INDEX_FILE));
    const single = await readSafetensors(join(FIXTURES, 'tiny-llama/model.safetensors'));
    expect([...sharded.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [name, tensor] of single) {
      expect(sharded.get(name)!.shape).toEqual(tensor.shape);
      expect(sharded.get(name)!.data).toEqual(tensor.data);
    }
  });

  it('reads the index: weight map, shards in first-use order, metadata', async () => {
    const index = await readShardedIndex(join(FIXTURES, 'tiny-llama-sharded', SHARDED_INDEX_FILE));
    expect(index.shards).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(index.weightMap.get('model.norm.weight')).toBe('model-00002-of-00002.safetensors');
    expect(index.metadata).toEqual({ total_size: 172672 });
  });

  it('loads a subset, opening only the shards that hold it', async () => {
    const subset = await readShardedSafetensors(join(FIXTURES, 'tiny-llama-sharded', SHARDED_INDEX_FILE), { names: ['model.norm.weight'] });
    expect([...subset.keys()]).toEqual(['model.norm.weight']);
    await expect(readShardedSafetensors(join(FIXTURES, 'tiny-llama-sharded', SHARDED_INDEX_FILE), { names: ['nope'] })).rejects.toThrow(/requested tensors not in weight_map: nope/);
  });

  async function writeIndex(name: string, index: unknown): Promise<string> {
    const file = join(temp.path, name);
    await writeFile(file, JSON.stringify(index));
    return file;
  }

  it('names a missing shard file', async () => {
    const file = await writeIndex('missing-shard.json', { weight_map: { a: 'absent.safetensors' } });
    const failure = await readShardedSafetensors(file).catch((error: unknown) => error);
    expect(CheckpointError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/missing-shard\.json: shard 'absent\.safetensors' cannot be read: .*ENOENT/);
  });

  it('names tensors the index lists but the shard lacks', async () => {
    await writeSafetensors(join(temp.path, 'shard.safetensors'), new Map([['a', { shape: [1], data: new Float32Array([1]) }]]), { dtype: 'F32' });
    const file = await writeIndex('absent-tensor.json', { weight_map: { a: 'shard.safetensors', b: 'shard.safetensors', c: 'shard.safetensors' } });
    await expect(readShardedSafetensors(file)).rejects.toThrow(/tensors listed for shard 'shard\.safetensors' but absent from it: b, c/);
  });

  it('rejects malformed indexes and shard names that leave the directory', async () => {
    await expect(readShardedIndex(await writeIndex('no-map.json', { metadata: {} }))).rejects.toThrow(/no weight_map/);
    await expect(readShardedIndex(await writeIndex('empty.json', { weight_map: {} }))).rejects.toThrow(/weight_map is empty/);
    await expect(readShardedIndex(await writeIndex('number.json', { weight_map: { a: 3 } }))).rejects.toThrow(/'a' is not a file name/);
    await expect(readShardedIndex(await writeIndex('escape.json', { weight_map: { a: '../copy.safetensors' } }))).rejects.toThrow(/points outside the checkpoint directory/);
    await writeFile(join(temp.path, 'bad.json'), '{"weight_map": ');
    await expect(readShardedIndex(join(temp.path, 'bad.json'))).rejects.toThrow(/bad\.json: invalid JSON/);
    await expect(readShardedIndex(join(temp.path, 'none.json'))).rejects.toThrow(/none\.json: cannot read file \(ENOENT\)/);
  });
});
