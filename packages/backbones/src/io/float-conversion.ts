/**
 * Conversions between float32 and the 16-bit float formats found in checkpoints.
 * Half precision (IEEE 754 binary16) is decoded through a 65,536-entry table, built once,
 * so decoding is one lookup per element and subnormals, infinities and NaNs are exact by
 * construction. bfloat16 is the top half of a float32, so it decodes by a shift.
 * Encoding rounds to nearest, ties to even, as PyTorch's `.half()` and `.bfloat16()` do.
 */

let halfTable: Float32Array | undefined;

/** Decodes one binary16 bit pattern; used to build the table and in tests. */
export function halfBitsToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function getHalfTable(): Float32Array {
  if (halfTable === undefined) {
    const table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = halfBitsToFloat(bits);
    halfTable = table;
  }
  return halfTable;
}

/** Widens binary16 values into `target` (same length). */
export function decodeHalf(source: Uint16Array, target: Float32Array): void {
  const table = getHalfTable();
  for (let index = 0; index < source.length; index++) target[index] = table[source[index]!]!;
}

/** Widens bfloat16 values into `target` (same length) by placing them in the top 16 bits. */
export function decodeBfloat16(source: Uint16Array, target: Float32Array): void {
  const targetBits = new Uint32Array(target.buffer, target.byteOffset, target.length);
  for (let index = 0; index < source.length; index++) targetBits[index] = source[index]! << 16;
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** Rounds one float32 value to the nearest binary16 bit pattern (ties to even). */
export function floatToHalfBits(value: number): number {
  scratchFloat[0] = value;
  const bits = scratchBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 | (mantissa >>> 13) : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal in binary16 (or underflow to zero): shift the implicit-one mantissa right.
    if (halfExponent < -10) return sign;
    const fullMantissa = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    const truncated = fullMantissa >>> shift;
    const remainder = fullMantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    const roundUp = remainder > halfway || (remainder === halfway && (truncated & 1) === 1);
    return sign | (truncated + (roundUp ? 1 : 0));
  }
  const truncated = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  const roundUp = remainder > 0x1000 || (remainder === 0x1000 && (truncated & 1) === 1);
  // A carry out of the mantissa correctly bumps the exponent, up to infinity.
  return sign | (truncated + (roundUp ? 1 : 0));
}

/** Rounds float32 bits to the nearest bfloat16 bit pattern (ties to even, NaN kept quiet). */
function roundFloatBitsToBfloat16(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Rounds one float32 value to the nearest bfloat16 bit pattern (ties to even, NaN kept). */
export function floatToBfloat16Bits(value: number): number {
  scratchFloat[0] = value;
  return roundFloatBitsToBfloat16(scratchBits[0]!);
}

/** Narrows float32 values to binary16 bit patterns. */
export function encodeHalf(source: Float32Array, target: Uint16Array): void {
  for (let index = 0; index < source.length; index++) target[index] = floatToHalfBits(source[index]!);
}

/** Narrows float32 values to bfloat16 bit patterns. */
export function encodeBfloat16(source: Float32Array, target: Uint16Array): void {
  const sourceBits = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let index = 0; index < source.length; index++) target[index] = roundFloatBitsToBfloat16(sourceBits[index]!);
}
