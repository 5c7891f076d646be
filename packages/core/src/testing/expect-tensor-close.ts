import * as tf from '@tensorflow/tfjs';

/** Tolerances are always named, never positional (see transformers.js's `forEach(..., 6)` bug). */
export interface Tolerance {
  /** Absolute tolerance. */
  readonly atol: number;
  /** Relative tolerance, scaled by |expected|. */
  readonly rtol: number;
}

type Nested = number | readonly Nested[];
export type TensorLike = tf.Tensor | ArrayLike<number> | readonly Nested[];

function shapeOf(value: TensorLike): number[] | undefined {
  if (value instanceof tf.Tensor) return value.shape;
  if (ArrayBuffer.isView(value)) return [(value as unknown as ArrayLike<number>).length];
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(value: TensorLike): Float64Array {
  if (value instanceof tf.Tensor) return Float64Array.from(value.dataSync() as ArrayLike<number>);
  if (ArrayBuffer.isView(value)) return Float64Array.from(value as unknown as ArrayLike<number>);
  return Float64Array.from((value as unknown[]).flat(Infinity) as number[]);
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis] as number;
    index.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return `[${index.join(', ')}]`;
}

/**
 * Asserts `|actual − expected| ≤ atol + rtol·|expected|` elementwise (the numpy `allclose`
 * rule). Shapes must agree when both sides carry one. On failure the error names the first
 * failing index, both values, how many elements failed and the largest difference.
 */
export function expectTensorClose(actual: TensorLike, expected: TensorLike, tolerance: Tolerance): void {
  const actualShape = shapeOf(actual);
  const expectedShape = shapeOf(expected);
  const a = flatten(actual);
  const e = flatten(expected);
  if (a.length !== e.length || (actualShape && expectedShape && actualShape.join() !== expectedShape.join())) {
    throw new Error(`expectTensorClose: shape [${actualShape?.join(', ')}] (${a.length} values) differs from expected [${expectedShape?.join(', ')}] (${e.length} values)`);
  }
  let firstBad = -1;
  let failures = 0;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = e[i] as number;
    const diff = Math.abs(x - y);
    const ok = diff <= tolerance.atol + tolerance.rtol * Math.abs(y) || (Number.isNaN(x) && Number.isNaN(y)) || x === y;
    if (!ok) {
      failures++;
      if (firstBad < 0) firstBad = i;
    }
    if (Number.isFinite(diff)) maxDiff = Math.max(maxDiff, diff);
    else if (!ok) maxDiff = Infinity;
  }
  if (failures > 0) {
    const at = multiIndex(firstBad, expectedShape ?? [e.length]);
    throw new Error(
      `expectTensorClose: ${failures} of ${a.length} values differ (atol ${tolerance.atol}, rtol ${tolerance.rtol}); ` +
        `first at index ${at}: actual ${a[firstBad]}, expected ${e[firstBad]}; max |diff| ${maxDiff}`,
    );
  }
}
