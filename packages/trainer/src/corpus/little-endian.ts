import { endianness } from 'node:os';

const hostIsLittleEndian = endianness() === 'LE';

/** The bytes of `tokens` as little-endian uint16, the shard format on every host. */
export function uint16ToLittleEndianBytes(tokens: Uint16Array): Uint8Array {
  const bytes = new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength);
  if (hostIsLittleEndian) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let index = 0; index < bytes.length; index += 2) {
    swapped[index] = bytes[index + 1] ?? 0;
    swapped[index + 1] = bytes[index] ?? 0;
  }
  return swapped;
}

/** Reads little-endian uint16 tokens from `bytes` (an even number of bytes) into a fresh array. */
export function littleEndianBytesToUint16(bytes: Uint8Array): Uint16Array {
  const tokens = new Uint16Array(bytes.length / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (hostIsLittleEndian) {
    new Uint8Array(tokens.buffer).set(bytes);
  } else {
    for (let index = 0; index < tokens.length; index += 1) tokens[index] = view.getUint16(index * 2, true);
  }
  return tokens;
}
