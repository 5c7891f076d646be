import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, ShapeMismatchError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { floatToBfloat16Bits, floatToHalfBits, halfBitsToFloat } from './float-conversion.js';
import type { StoredDtype, WritableTensor } from './host-tensor.js';
import { readSafetensors } from './read-safetensors.js';
import { readSafetensorsHeader } from './safetensors-header.js';
import { useTempDir } from './io.test-support.js';
import { writeSafetensors } from './write-safetensors.js';
import { testDataPath } from '@maria-ts/core/testing';

const FIXTURES = testDataPath('fixtures');
const bfloat16BitsToFloat = (bits: number) => new Float32Array(new Uint32Array([bits << 16]).buffer)[0]!;
const roundTo: Record<StoredDtype, (value: number) => number> = {
  F32: Math.fround,
  F16: (value) => halfBitsToFloat(floatToHalfBits(value)),
  BF16: (value) => bfloat16BitsToFloat(floatToBfloat16Bits(value)),
};

describe('writeSafetensors', () => {
  const temp = useTempDir();

  const values = [0, -0, 1, -2.5, 1 / 3, 65504, 7e-6, 1e-8, 3e38, Infinity, -Infinity, Number.NaN];
  const tensors = new Map<string, WritableTensor>([
    ['matrix', { shape: [3, 4], data: Float32Array.from(values) }],
    ['scalar', { shape: [], data: new Float32Array([42]) }],
    ['empty', { shape: [0, 5], data: new Float32Array(0) }],
    ['vector', { shape: [3], data: new Float32Array([-1, 0.125, 1e4]) }],
  ]);

  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`round-trips ${dtype}: shapes, order and values rounded to ${dtype}`, async () => {
      const file = join(temp.path, `round-trip-${dtype}.safetensors`);
      await writeSafetensors(file, tensors, { dtype, metadata: { note: 'test' } });
      const header = await readSafetensorsHeader(file);
      expect(header.metadata).toEqual({ note: 'test', format: 'pt' });
      expect(header.headerLength % 8).toBe(0);
      expect(header.entries.at(-1)!.end).toBe(header.fileSize);
      const loaded = await readSafetensors(file);
      expect([...loaded.keys()]).toEqual([...tensors.keys()]);
      for (const [name, tensor] of tensors) {
        const back = loaded.get(name)!;
        expect(back.storedDtype).toBe(dtype);
        expect(back.shape).toEqual(tensor.shape);
        expect(Array.from(back.data)).toEqual(Array.from(tensor.data, roundTo[dtype]));
      }
    });
  }

  it('writes the exact byte layout: u64 length, space-padded JSON, packed data', async () => {
    const file = join(temp.path, 'layout.safetensors');
    await writeSafetensors(file, new Map([['x', { shape: [2], data: new Float32Array([1, -2]) }]]), { dtype: 'F16' });
    const bytes = await readFile(file);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const headerText = bytes.subarray(8, 8 + headerLength).toString('utf8');
    expect(headerText.trimEnd()).toBe('{"__metadata__":{"format":"pt"},"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}');
    expect(headerText.length - headerText.trimEnd().length).toBeLessThan(8);
    expect((8 + headerLength) % 8).toBe(0);
    expect([...bytes.subarray(8 + headerLength)]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
  });

  it('reproduces a fixture byte for byte when written in its own dtype and order', async () => {
    for (const fixture of ['tiny-olmo-f16', 'tiny-modernbert']) {
      const source = join(FIXTURES, fixture, 'model.safetensors');
      const original = await readSafetensors(source);
      const dtype = [...original.values()][0]!.storedDtype;
      const file = join(temp.path, `${fixture}.safetensors`);
      await writeSafetensors(file, original, { dtype });
      const rewritten = await readSafetensors(file);
      for (const [name, tensor] of original) expect(rewritten.get(name)!.data).toEqual(tensor.data);
      // The data areas are identical bytes (the JSON may differ in key order).
      const [sourceBytes, fileBytes] = await Promise.all([readFile(source), readFile(file)]);
      const dataOf = (bytes: Buffer) => bytes.subarray(8 + Number(bytes.readBigUInt64LE(0)));
      expect(Buffer.compare(dataOf(sourceBytes), dataOf(fileBytes))).toBe(0);
    }
  });

  it('rejects values that do not fill the shape, bad names and unknown dtypes, leaving no file behind', async () => {
    const file = join(temp.path, 'rejected', 'bad.safetensors');
    await expect(writeSafetensors(file, new Map([['x', { shape: [2, 2], data: new Float32Array(3) }]]), { dtype: 'F32' })).rejects.toSatisfy(ShapeMismatchError.isInstance);
    await expect(writeSafetensors(file, new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]]), { dtype: 'F32' })).rejects.toSatisfy(InvalidArgumentError.isInstance);
    await expect(writeSafetensors(file, new Map([['x', { shape: [1], data: new Float32Array(1) }]]), { dtype: 'I8' as StoredDtype })).rejects.toThrow(/I8/);
    await expect(readdir(join(temp.path, 'rejected'))).rejects.toThrow(/ENOENT/);
  });

  it('replaces an existing file atomically and leaves no temporary files', async () => {
    const file = join(temp.path, 'atomic', 'model.safetensors');
    await writeSafetensors(file, new Map([['a', { shape: [1], data: new Float32Array([1]) }]]), { dtype: 'F32' });
    await writeSafetensors(file, new Map([['b', { shape: [1], data: new Float32Array([2]) }]]), { dtype: 'F32' });
    expect([...(await readSafetensors(file)).keys()]).toEqual(['b']);
    expect(await readdir(join(temp.path, 'atomic'))).toEqual(['model.safetensors']);
  });
});
