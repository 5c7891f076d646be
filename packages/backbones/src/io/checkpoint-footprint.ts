import path from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { SINGLE_WEIGHTS_FILE } from './checkpoint-files.js';
import { elementCount } from './host-tensor.js';
import { pathExists } from './path-exists.js';
import { readSafetensorsHeader } from './safetensors-header.js';
import { SHARDED_INDEX_FILE, readShardedIndex } from './sharded-index.js';

/** Bytes of a float32 element: every stored dtype (F16, BF16, F32) becomes float32 on the engine. */
const FLOAT32_BYTES = 4;

/**
 * The bytes a checkpoint directory's weights take once loaded as float32 tensors, from the
 * safetensors headers alone (no tensor data is read): what an engine must hold before a
 * load starts. The file the loader would pick counts (`model.safetensors`, else the
 * sharded index's tensors).
 */
export async function checkpointFloat32Bytes(dir: string): Promise<number> {
  const single = path.join(dir, SINGLE_WEIGHTS_FILE);
  if (await pathExists(single)) {
    const header = await readSafetensorsHeader(single);
    return header.entries.reduce((sum, entry) => sum + elementCount(entry.shape) * FLOAT32_BYTES, 0);
  }
  const indexFile = path.join(dir, SHARDED_INDEX_FILE);
  if (!(await pathExists(indexFile))) throw new CheckpointError(dir, `no ${SINGLE_WEIGHTS_FILE} or ${SHARDED_INDEX_FILE}`);
  const index = await readShardedIndex(indexFile);
  let bytes = 0;
  for (const shard of index.shards) {
    const header = await readSafetensorsHeader(path.join(dir, shard));
    for (const entry of header.entries) if (index.weightMap.get(entry.name) === shard) bytes += elementCount(entry.shape) * FLOAT32_BYTES;
  }
  return bytes;
}
