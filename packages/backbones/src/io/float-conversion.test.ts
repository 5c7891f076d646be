import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBfloat16, decodeHalf, encodeBfloat16, encodeHalf, floatToBfloat16Bits, floatToHalfBits, halfBitsToFloat } from './float-conversion.js';

const bfloat16BitsToFloat = (bits: number) => new Float32Array(new Uint32Array([bits << 16]).buffer)[0]!;
const toFloat32 = (value: number) => Math.fround(value);

/** Decodes all 65,536 16-bit patterns, then encodes the decoded floats again. */
function roundTripAllPatterns(decode: (source: Uint16Array, target: Float32Array) => void, encode: (source: Float32Array, target: Uint16Array) => void) {
  const bits = Uint16Array.from({ length: 65536 }, (_, index) => index);
  const decoded = new Float32Array(65536);
  decode(bits, decoded);
  const encoded = new Uint16Array(65536);
  encode(decoded, encoded);
  return { bits, decoded, encoded };
}

describe('half precision', () => {
  it('decodes the landmark bit patterns exactly', () => {
    expect(halfBitsToFloat(0x0000)).toBe(0);
    expect(Object.is(halfBitsToFloat(0x8000), -0)).toBe(true);
    expect(halfBitsToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(halfBitsToFloat(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(halfBitsToFloat(0x0400)).toBe(2 ** -14); // smallest normal
    expect(halfBitsToFloat(0x3c00)).toBe(1);
    expect(halfBitsToFloat(0xc000)).toBe(-2);
    expect(halfBitsToFloat(0x7bff)).toBe(65504);
    expect(halfBitsToFloat(0x7c00)).toBe(Infinity);
    expect(halfBitsToFloat(0xfc00)).toBe(-Infinity);
    expect(halfBitsToFloat(0x7e00)).toBeNaN();
    expect(halfBitsToFloat(0xfc01)).toBeNaN();
  });

  it('round-trips every one of the 65,536 bit patterns through the table decoder and the encoder', () => {
    const { decoded, encoded } = roundTripAllPatterns(decodeHalf, encodeHalf);
    for (let index = 0; index < 65536; index++) {
      const exponent = (index >> 10) & 0x1f;
      const isNan = exponent === 0x1f && (index & 0x3ff) !== 0;
      if (isNan) {
        expect(decoded[index]).toBeNaN();
        expect(Number.isNaN(halfBitsToFloat(encoded[index]!))).toBe(true);
      } else {
        expect(encoded[index]).toBe(index);
      }
    }
  });

  it('rounds to nearest, ties to even, including into and out of the subnormal range', () => {
    expect(floatToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie, even is down
    expect(floatToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, even is up
    expect(floatToHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(floatToHalfBits(65520)).toBe(0x7c00); // halfway to the next binade: overflows to infinity
    expect(floatToHalfBits(65519)).toBe(0x7bff);
    expect(floatToHalfBits(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal: even is 0
    expect(floatToHalfBits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 subnormal units: even is 2
    expect(floatToHalfBits(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(floatToHalfBits(2 ** -14 - 2 ** -25)).toBe(0x0400); // tie between the largest subnormal (odd) and the smallest normal (even)
    expect(floatToHalfBits(2 ** -14 - 2 ** -25 - 2 ** -36)).toBe(0x03ff);
    expect(floatToHalfBits(-(2 ** -30))).toBe(0x8000);
    expect(floatToHalfBits(1e-45)).toBe(0); // float32 subnormal
  });

  it('picks the nearest representable half for any float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (value) => {
        const bits = floatToHalfBits(value);
        const chosen = halfBitsToFloat(bits);
        const error = Math.abs(chosen - value);
        for (const neighbour of [bits - 1, bits + 1]) {
          if ((neighbour & 0x7fff) >= 0x7c00 || neighbour < 0 || neighbour > 0xffff) continue;
          if ((neighbour & 0x8000) !== (bits & 0x8000)) continue;
          expect(error).toBeLessThanOrEqual(Math.abs(halfBitsToFloat(neighbour) - value));
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('bfloat16', () => {
  it('decodes by shifting into the top half of a float32 and round-trips every non-NaN pattern', () => {
    const { bits, decoded, encoded } = roundTripAllPatterns(decodeBfloat16, encodeBfloat16);
    const expected = Float32Array.from(bits, bfloat16BitsToFloat);
    expect(decoded).toEqual(expected);
    const isNan = (bitsOf: number) => (bitsOf & 0x7f80) === 0x7f80 && (bitsOf & 0x7f) !== 0;
    const mismatches = [...bits].filter((index) => (isNan(index) ? !isNan(encoded[index]!) : encoded[index] !== index));
    expect(mismatches).toEqual([]);
  });

  it('rounds to nearest, ties to even, and keeps NaN a NaN', () => {
    expect(floatToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie, even is down
    expect(floatToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, even is up
    expect(floatToBfloat16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(floatToBfloat16Bits(3.4028234663852886e38)).toBe(0x7f80); // float32 max rounds to infinity
    expect(Number.isNaN(bfloat16BitsToFloat(floatToBfloat16Bits(Number.NaN)))).toBe(true);
    const payloadNan = new Float32Array(new Uint32Array([0x7f800001]).buffer)[0]!; // NaN whose payload lives in the low bits
    expect(Number.isNaN(bfloat16BitsToFloat(floatToBfloat16Bits(payloadNan)))).toBe(true);
  });

  it('agrees between the scalar and the array encoder', () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 32 }), (values) => {
        const encoded = new Uint16Array(values.length);
        encodeBfloat16(values, encoded);
        values.forEach((value, index) => expect(encoded[index]).toBe(floatToBfloat16Bits(toFloat32(value))));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
