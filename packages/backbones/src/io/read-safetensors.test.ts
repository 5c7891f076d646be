import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, MariaError } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatToHalfBits, halfBitsToFloat } from './float-conversion.js';
import { readSafetensors } from './read-safetensors.js';
import { MAX_SAFETENSORS_HEADER_BYTES, readSafetensorsHeader } from './safetensors-header.js';
import { float32Bytes, useTempDir, safetensorsBytes, writeBytes } from './io.test-support.js';
import { testDataPath } from '@maria-ts/core/testing';

const FIXTURES = testDataPath('fixtures');

/** Independent decoding of one F32 tensor straight from the file bytes, for cross-checks. */
async function rawFloat32(file: string, name: string): Promise<{ shape: number[]; values: number[] }> {
  const bytes = await readFile(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { shape: number[]; data_offsets: [number, number] }>;
  const entry = header[name]!;
  const values: number[] = [];
  for (let offset = entry.data_offsets[0]; offset < entry.data_offsets[1]; offset += 4) values.push(bytes.readFloatLE(8 + headerLength + offset));
  return { shape: entry.shape, values };
}

describe('readSafetensors on fixtures', () => {
  it('reads an F32 checkpoint with the shapes its config implies and the bytes it stores', async () => {
    const file = join(FIXTURES, 'tiny-llama/model.safetensors');
    const config = JSON.parse(await readFile(join(FIXTURES, 'tiny-llama/config.json'), 'utf8')) as Record<string, number>;
    const tensors = await readSafetensors(file);
    expect(tensors.size).toBe(21);
    const embedding = tensors.get('model.embed_tokens.weight')!;
    expect(embedding.shape).toEqual([config.vocab_size, config.hidden_size]);
    expect(embedding.storedDtype).toBe('F32');
    const raw = await rawFloat32(file, 'model.layers.1.self_attn.k_proj.weight');
    const kProjection = tensors.get('model.layers.1.self_attn.k_proj.weight')!;
    expect(kProjection.shape).toEqual(raw.shape);
    expect(Array.from(kProjection.data)).toEqual(raw.values);
  });

  it('reads F16 weights that equal the F32 twin rounded to half precision, element for element', async () => {
    const full = await readSafetensors(join(FIXTURES, 'tiny-olmo/model.safetensors'));
    const half = await readSafetensors(join(FIXTURES, 'tiny-olmo-f16/model.safetensors'));
    expect([...half.keys()].sort()).toEqual([...full.keys()].sort());
    for (const [name, tensor] of half) {
      expect(tensor.storedDtype).toBe('F16');
      const reference = full.get(name)!;
      expect(tensor.shape).toEqual(reference.shape);
      const rounded = Float32Array.from(reference.data, (value) => halfBitsToFloat(floatToHalfBits(value)));
      expect(tensor.data).toEqual(rounded);
    }
  });

  it('reads BF16 weights as the top half of a float32', async () => {
    const file = join(FIXTURES, 'tiny-modernbert/model.safetensors');
    const header = await readSafetensorsHeader(file);
    const bytes = await readFile(file);
    const tensors = await readSafetensors(file);
    for (const entry of header.entries) {
      const tensor = tensors.get(entry.name)!;
      expect(tensor.storedDtype).toBe('BF16');
      for (let index = 0; index < tensor.data.length; index += 7) {
        const bits = bytes.readUInt16LE(entry.begin + 2 * index);
        const expected = new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
        expect(tensor.data[index]).toBe(expected);
      }
    }
    expect(tensors.get('head.dense.weight')!.shape).toEqual([32, 32]);
  });

  it('loads a subset by name list or predicate, and names what a list asks for but the file lacks', async () => {
    const file = join(FIXTURES, 'tiny-llama/model.safetensors');
    const listed = await readSafetensors(file, { names: ['model.norm.weight', 'lm_head.weight'] });
    expect([...listed.keys()].sort()).toEqual(['lm_head.weight', 'model.norm.weight']);
    const filtered = await readSafetensors(file, { names: (name) => name.startsWith('model.layers.0.') });
    expect(filtered.size).toBe(9);
    await expect(readSafetensors(file, { names: ['model.norm.weight', 'no.such.tensor'] })).rejects.toThrow(/no\.such\.tensor/);
  });

  it('reports the header of a file: metadata, data start and entries in data order', async () => {
    const header = await readSafetensorsHeader(join(FIXTURES, 'tiny-llama/model.safetensors'));
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.dataStart).toBe(8 + header.headerLength);
    for (let index = 1; index < header.entries.length; index++) expect(header.entries[index]!.begin).toBeGreaterThanOrEqual(header.entries[index - 1]!.end);
    expect(header.entries.at(-1)!.end).toBe(header.fileSize);
  });
});

describe('readSafetensors validation', () => {
  const temp = useTempDir();

  const goodHeader = { __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  const goodData = float32Bytes([1, 2, 3]);

  async function expectCheckpointError(name: string, bytes: Uint8Array, pattern: RegExp): Promise<void> {
    const file = await writeBytes(temp.path, name, bytes);
    const failure = await readSafetensors(file).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(CheckpointError.isInstance(failure), `expected a CheckpointError, got ${String(failure)}`).toBe(true);
    const message = (failure as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(pattern);
  }

  it('accepts the well-formed file these cases start from', async () => {
    const file = await writeBytes(temp.path, 'good.safetensors', safetensorsBytes(goodHeader, goodData));
    const tensors = await readSafetensors(file);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1, 2]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([3]);
  });

  it('rejects a missing file', async () => {
    await expect(readSafetensors(join(temp.path, 'absent.safetensors'))).rejects.toThrow(/ENOENT/);
  });

  it('rejects a file shorter than the length prefix', () => expectCheckpointError('short.safetensors', new Uint8Array(5), /too short/));

  it('rejects a header length past the end of the file', () =>
    expectCheckpointError('past-eof.safetensors', safetensorsBytes(goodHeader, goodData, { declaredLength: 100_000n }), /past the end of the file/));

  it('rejects an absurd header length without allocating it', () =>
    expectCheckpointError('huge.safetensors', safetensorsBytes(goodHeader, goodData, { declaredLength: 2n ** 63n }), new RegExp(`exceeds the limit of ${MAX_SAFETENSORS_HEADER_BYTES}`)));

  it('rejects bad JSON', () => expectCheckpointError('bad-json.safetensors', safetensorsBytes('{"a": {"dtype": "F32",', goodData), /not valid JSON/));

  it('rejects a header that is not an object', () => expectCheckpointError('array.safetensors', safetensorsBytes('[1, 2]'), /does not start with/));

  it('rejects a truncated data area', () => expectCheckpointError('truncated.safetensors', safetensorsBytes(goodHeader, goodData.subarray(0, 10)), /tensor 'b'.*run past the data area of 10 bytes/));

  it('rejects overlapping offsets, naming both tensors', () =>
    expectCheckpointError(
      'overlap.safetensors',
      safetensorsBytes({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, goodData),
      /'a' \[0, 8\) and 'b' \[4, 12\) overlap/,
    ));

  it('rejects a byte size that does not match the shape', () =>
    expectCheckpointError('size.safetensors', safetensorsBytes({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, goodData), /tensor 'a': holds 12 bytes but shape \[2, 2\] of F32 needs 16/));

  it('rejects an unsupported dtype, naming it', () =>
    expectCheckpointError('dtype.safetensors', safetensorsBytes({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, goodData), /tensor 'a': unsupported dtype "I64"/));

  it('rejects malformed shapes, offsets and metadata', async () => {
    await expectCheckpointError('shape.safetensors', safetensorsBytes({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, goodData), /tensor 'a': shape \[-1\]/);
    await expectCheckpointError('offsets.safetensors', safetensorsBytes({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, goodData), /tensor 'a': data_offsets \[0\]/);
    await expectCheckpointError('reversed.safetensors', safetensorsBytes({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, goodData), /end before they begin/);
    await expectCheckpointError('metadata.safetensors', safetensorsBytes({ __metadata__: { format: 1 } }, goodData), /__metadata__ value for 'format'/);
    await expectCheckpointError('entry.safetensors', safetensorsBytes({ a: 3 }, goodData), /tensor 'a': entry is not an object/);
  });

  it('reads scalars and empty tensors', async () => {
    const file = await writeBytes(
      temp.path,
      'scalar.safetensors',
      safetensorsBytes({ s: { dtype: 'F32', shape: [], data_offsets: [0, 4] }, e: { dtype: 'F16', shape: [0, 3], data_offsets: [4, 4] } }, float32Bytes([7])),
    );
    const tensors = await readSafetensors(file);
    expect(Array.from(tensors.get('s')!.data)).toEqual([7]);
    expect(tensors.get('e')!.data.length).toBe(0);
    expect(tensors.get('e')!.shape).toEqual([0, 3]);
  });

  it('never fails on arbitrary bytes with anything but a typed error', async () => {
    const validPrefix = safetensorsBytes(goodHeader, goodData);
    let case_ = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          // Mutations of a valid file reach the JSON and entry checks, not just the length check.
          fc.tuple(fc.nat({ max: validPrefix.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: validPrefix.length })).map(([position, value, cut]) => {
            const bytes = validPrefix.slice(0, Math.max(cut, position + 1));
            bytes[position] = value;
            return bytes;
          }),
        ),
        async (bytes) => {
          const file = await writeBytes(temp.path, `fuzz-${case_++ % 4}.safetensors`, bytes);
          try {
            await readSafetensors(file);
          } catch (error) {
            expect(MariaError.isInstance(error), `untyped error: ${String(error)}`).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 20240611 },
    );
  });
});
