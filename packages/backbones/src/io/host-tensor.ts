/**
 * The element types a safetensors checkpoint may store that MARIA-TS reads. Every one is
 * widened to float32 on load, because the wasm engine computes in float32 only.
 */
export type StoredDtype = 'F32' | 'F16' | 'BF16';

/** The stored dtypes, in a fixed order (used in error messages and tests). */
export const STORED_DTYPES: readonly StoredDtype[] = ['F32', 'F16', 'BF16'];

/** Bytes per element of each stored dtype. */
export const DTYPE_BYTE_SIZE: Readonly<Record<StoredDtype, number>> = { F32: 4, F16: 2, BF16: 2 };

/**
 * A tensor held in host memory, before it becomes a tfjs tensor. Keeping weights on the
 * host lets a backbone transpose, slice or split them (e.g. a fused QKV) once at load time
 * and lets the loader release file buffers before any GPU/wasm memory is allocated.
 * `storedDtype` records the precision the checkpoint had, so a round trip can keep it.
 */
export interface HostTensor {
  readonly shape: readonly number[];
  /** Row-major values, always float32 whatever the stored dtype. */
  readonly data: Float32Array;
  readonly storedDtype: StoredDtype;
}

/** A tensor to be written: a shape and its row-major float32 values. */
export interface WritableTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Number of elements of a tensor of `shape` (1 for a scalar, whose shape is `[]`). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dimension of shape) count *= dimension;
  return count;
}

/** Narrowing guard for dtype strings read from a file header. */
export function isStoredDtype(value: unknown): value is StoredDtype {
  return value === 'F32' || value === 'F16' || value === 'BF16';
}
