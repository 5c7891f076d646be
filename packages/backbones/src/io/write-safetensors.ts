import { InvalidArgumentError, ShapeMismatchError, writeFileAtomic } from '@maria-ts/core';
import { writeAll } from './atomic-write.js';
import { encodeBfloat16, encodeHalf } from './float-conversion.js';
import { DTYPE_BYTE_SIZE, elementCount, isStoredDtype, type StoredDtype, type WritableTensor } from './host-tensor.js';

export interface WriteSafetensorsOptions {
  /** Element type to store; values are rounded to nearest (ties to even) for F16/BF16. */
  readonly dtype: StoredDtype;
  /** Extra `__metadata__` strings; `format: 'pt'` is always present so PyTorch tools accept the file. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Header byte layout of a safetensors file: JSON padded with spaces to a multiple of 8. */
export function encodeSafetensorsHeader(
  tensors: ReadonlyMap<string, WritableTensor>,
  dtype: StoredDtype,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { ...metadata, format: 'pt' } };
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const byteLength = tensor.data.length * DTYPE_BYTE_SIZE[dtype];
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const paddedLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + paddedLength).fill(0x20, 8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(paddedLength), true);
  bytes.set(json, 8);
  return bytes;
}

/**
 * Writes tensors to a safetensors file in `dtype`, atomically (temporary file in the same
 * directory, fsync, rename). The layout is the one PyTorch's `safetensors` writes: an
 * 8-byte little-endian header length, a JSON header padded with spaces to 8-byte alignment
 * with `__metadata__.format = 'pt'`, then the tensors back to back in map order.
 * Tensors are encoded one at a time, so peak extra memory is one tensor, not the file.
 */
export async function writeSafetensors(file: string, tensors: ReadonlyMap<string, WritableTensor>, options: WriteSafetensorsOptions): Promise<void> {
  const { dtype } = options;
  if (!isStoredDtype(dtype)) throw new InvalidArgumentError('dtype', dtype, "'F32', 'F16' or 'BF16'");
  for (const [name, tensor] of tensors) validateTensor(name, tensor);
  const header = encodeSafetensorsHeader(tensors, dtype, options.metadata);
  await writeFileAtomic(file, async (handle) => {
    await writeAll(handle, header);
    for (const tensor of tensors.values()) await writeAll(handle, encodeTensor(tensor.data, dtype));
  });
}

function validateTensor(name: string, tensor: WritableTensor): void {
  if (name.length === 0 || name === '__metadata__') throw new InvalidArgumentError('tensor name', name, 'a non-empty name other than __metadata__');
  if (!tensor.shape.every((dimension) => Number.isSafeInteger(dimension) && dimension >= 0)) {
    throw new InvalidArgumentError(`shape of '${name}'`, tensor.shape, 'non-negative integers');
  }
  if (!(tensor.data instanceof Float32Array)) throw new InvalidArgumentError(`data of '${name}'`, typeof tensor.data, 'a Float32Array');
  if (elementCount(tensor.shape) !== tensor.data.length) {
    throw new ShapeMismatchError(`values of tensor '${name}' with shape [${tensor.shape.join(', ')}]`, [tensor.data.length], [elementCount(tensor.shape)]);
  }
}

function encodeTensor(data: Float32Array, dtype: StoredDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const encoded = new Uint16Array(data.length);
  if (dtype === 'F16') encodeHalf(data, encoded);
  else encodeBfloat16(data, encoded);
  return new Uint8Array(encoded.buffer);
}
