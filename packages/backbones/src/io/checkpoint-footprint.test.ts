import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { checkpointFloat32Bytes } from './checkpoint-footprint.js';
import { safetensorsBytes, useTempDir, writeBytes } from './io.test-support.js';

describe('checkpointFloat32Bytes', () => {
  const temp = useTempDir('maria-footprint-');

  it('counts every element as 4 bytes whatever the stored dtype, from the header alone', async () => {
    const header = {
      'a.weight': { dtype: 'BF16', shape: [3, 5], data_offsets: [0, 30] },
      'b.bias': { dtype: 'F32', shape: [7], data_offsets: [30, 58] },
    };
    await writeBytes(temp.path, 'model.safetensors', safetensorsBytes(header, new Uint8Array(58)));
    expect(await checkpointFloat32Bytes(temp.path)).toBe(4 * (15 + 7));
  });

  it('is a CheckpointError where there are no weights', async () => {
    const empty = path.join(temp.path, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(checkpointFloat32Bytes(empty)).rejects.toSatisfy((error: unknown) => CheckpointError.isInstance(error));
  });
});
