import { CheckpointError } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTYPE_BYTE_SIZE, elementCount } from './host-tensor.js';
import { parseSafetensorsHeader, type SafetensorsHeader } from './safetensors-header.js';

/** This many random or mutated headers per CI run. */
const FUZZ_RUNS = 10_000;

const FILE = 'fuzz.safetensors';
const encode = (text: string) => new TextEncoder().encode(text);

/** A header the parser must accept: three disjoint tensors laid out back to back. */
const VALID_HEADER = JSON.stringify({
  __metadata__: { format: 'pt' },
  'wte.weight': { dtype: 'F32', shape: [4, 2], data_offsets: [0, 32] },
  'ln.bias': { dtype: 'F16', shape: [2], data_offsets: [32, 36] },
  'ln.weight': { dtype: 'BF16', shape: [2], data_offsets: [36, 40] },
});
const VALID_DATA_BYTES = 40;

/**
 * What every accepted header promises its readers, checked independently of the parser's
 * own code: each entry lies inside the data area, holds exactly the bytes its dtype and shape
 * need, and no two entries share a byte.
 */
function expectSoundHeader(header: SafetensorsHeader, headerBytes: Uint8Array, fileSize: number): void {
  expect(header.dataStart).toBe(8 + headerBytes.length);
  const byBegin = [...header.entries].sort((a, b) => a.begin - b.begin);
  for (const [index, entry] of byBegin.entries()) {
    expect(entry.begin).toBeGreaterThanOrEqual(header.dataStart);
    expect(entry.end).toBeLessThanOrEqual(fileSize);
    expect(entry.end - entry.begin).toBe(elementCount(entry.shape) * DTYPE_BYTE_SIZE[entry.dtype]);
    const next = byBegin[index + 1];
    if (next !== undefined) expect(next.begin).toBeGreaterThanOrEqual(entry.end);
  }
}

/** Small, often invalid JSON values in the places the parser looks at. */
const dimension = fc.oneof(fc.nat({ max: 6 }), fc.integer({ min: -3, max: -1 }), fc.constant(1.5), fc.constant(2 ** 60), fc.constant('2'));
const offset = fc.oneof(fc.nat({ max: 120 }), fc.integer({ min: -8, max: -1 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(0.5), fc.constant(null));
/** Entries whose byte counts usually fit their shapes, at random starts: they often overlap or run past the end. */
const plausibleEntry = fc
  .tuple(fc.constantFrom('F32', 'F16', 'BF16'), fc.array(fc.nat({ max: 4 }), { maxLength: 2 }), fc.nat({ max: 48 }), fc.constantFrom(0, 0, 0, 0, -1, 2))
  .map(([dtype, shape, begin, slack]) => ({ dtype, shape, data_offsets: [begin, begin + elementCount(shape) * DTYPE_BYTE_SIZE[dtype] + slack] }));
const entry = fc.oneof(
  { weight: 8, arbitrary: plausibleEntry },
  { weight: 4, arbitrary: fc.record({ dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'F8_E4M3', 'f32', ''), shape: fc.array(dimension, { maxLength: 3 }), data_offsets: fc.array(offset, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const structuredHeader = fc
  .tuple(
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'model.embed_tokens.weight', '__proto__', 'constructor'), entry, { maxKeys: 4 }),
    fc.option(fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }), fc.jsonValue({ maxDepth: 1 }))),
  )
  .map(([entries, metadata]) => JSON.stringify(metadata === null ? entries : { __metadata__: metadata, ...entries }));

/** The valid header with one character replaced, deleted or inserted. */
const mutatedHeader = fc
  .tuple(fc.nat({ max: VALID_HEADER.length - 1 }), fc.constantFrom('replace', 'delete', 'insert'), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '0', '9', '-', ' ', 'x', '\\', '\u00e9'))
  .map(([position, edit, character]) => {
    const keep = edit === 'insert' ? position : position + 1;
    return VALID_HEADER.slice(0, position) + (edit === 'delete' ? '' : character) + VALID_HEADER.slice(keep);
  })
  .map(encode);

const headerBytes = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 96 }) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map(encode) },
  { weight: 4, arbitrary: structuredHeader.map(encode) },
  { weight: 4, arbitrary: mutatedHeader },
);

describe('parseSafetensorsHeader fuzz', () => {
  it('accepts the valid header it mutates', () => {
    const bytes = encode(VALID_HEADER);
    const header = parseSafetensorsHeader(FILE, bytes, 8 + bytes.length + VALID_DATA_BYTES);
    expect(header.entries.map((e) => e.name)).toEqual(['wte.weight', 'ln.bias', 'ln.weight']);
    expect(header.metadata).toEqual({ format: 'pt' });
  });

  it(`${FUZZ_RUNS.toLocaleString('en')} random or mutated headers: a sound header or a CheckpointError, nothing else`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(headerBytes, fc.nat({ max: 160 }), (bytes, dataBytes) => {
        const fileSize = 8 + bytes.length + dataBytes;
        let header: SafetensorsHeader;
        try {
          header = parseSafetensorsHeader(FILE, bytes, fileSize);
        } catch (error) {
          expect(CheckpointError.isInstance(error), `untyped error: ${String(error)}`).toBe(true);
          expect((error as Error).message).toContain(FILE);
          return;
        }
        accepted++;
        expectSoundHeader(header, bytes, fileSize);
      }),
      { numRuns: FUZZ_RUNS, seed: 20261124 },
    );
    // The generators must reach both outcomes, or the property says little.
    expect(accepted).toBeGreaterThan(FUZZ_RUNS / 50);
    expect(accepted).toBeLessThan(FUZZ_RUNS);
  });
});
