import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '../testing/index.js';
import { initEngine } from './engine.js';
import { installWasmCopyKernels } from './wasm-copy-kernels.js';

/** The box begin…begin+size of a row-major array, by plain index arithmetic (the reference). */
function referenceBox(values: ArrayLike<number>, shape: readonly number[], begin: readonly number[], size: readonly number[]): number[] {
  const out: number[] = [];
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const visit = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(values[offset] as number);
      return;
    }
    for (let i = 0; i < (size[axis] as number); i++) visit(axis + 1, offset + ((begin[axis] as number) + i) * (strides[axis] as number));
  };
  visit(0, 0);
  return out;
}

const dtypes = ['float32', 'int32', 'bool'] as const;

/** A tensor of `shape` holding distinct values (0/1 for bool) so a misplaced element shows. */
function numbered(shape: number[], dtype: (typeof dtypes)[number]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? (i * 7) % 3 === 0 : dtype === 'int32' ? i - 5 : i * 0.5 - 3));
  return tf.tensor(values as never, shape, dtype);
}

const boxes = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.tuple(...shape.map((dim) => fc.integer({ min: 0, max: dim }).chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: 0, max: dim - start }))))),
      fc.constantFrom(...dtypes),
    ),
  );

describe('wasm copy kernels (Slice, Unpack, SplitV without whole-tensor reads)', () => {
  beforeAll(async () => {
    await initEngine({ engine: 'wasm' });
  });

  it('are the kernels registered for wasm after initEngine, and installing again changes nothing', () => {
    const before = ['Identity', 'Slice', 'Unpack', 'SplitV'].map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    installWasmCopyKernels();
    const after = ['Identity', 'Slice', 'Unpack', 'SplitV'].map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    expect(after).toEqual(before);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('tf.slice returns exactly the reference box for any shape, box and dtype (fast-check)', () => {
    fc.assert(
      fc.property(boxes, ([shape, ranges, dtype]) => {
        const begin = ranges.map(([start]) => start);
        const size = ranges.map(([, length]) => length);
        const x = numbered(shape, dtype);
        const sliced = tf.slice(x, begin, size);
        expect(sliced.shape).toEqual(size);
        expect(sliced.dtype).toBe(dtype);
        expect(Array.from(sliced.dataSync(), Number)).toEqual(referenceBox(Array.from(x.dataSync(), Number), shape, begin, size));
        tf.dispose([x, sliced]);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('tf.unstack along every axis equals the reference slices with the axis dropped', () => {
    for (const dtype of dtypes) {
      const shape = [3, 4, 2, 5];
      const x = numbered(shape, dtype);
      const values = Array.from(x.dataSync(), Number);
      for (let axis = -1; axis < shape.length; axis++) {
        const resolved = axis < 0 ? axis + shape.length : axis;
        const pieces = tf.unstack(x, axis);
        expect(pieces).toHaveLength(shape[resolved] as number);
        pieces.forEach((piece, i) => {
          const begin = shape.map((_, a) => (a === resolved ? i : 0));
          const size = shape.map((dim, a) => (a === resolved ? 1 : dim));
          expect(piece.shape).toEqual(shape.filter((_, a) => a !== resolved));
          expect(Array.from(piece.dataSync(), Number)).toEqual(referenceBox(values, shape, begin, size));
        });
        tf.dispose(pieces);
      }
      x.dispose();
    }
  });

  it('tf.split by count and by sizes (with -1) equals the reference pieces, and concat restores the input', () => {
    const x = numbered([2, 6, 3], 'float32');
    const values = Array.from(x.dataSync());
    for (const [splits, axis] of [[3, 1], [[1, -1, 2], 1], [[2, 1], 2], [2, 0]] as const) {
      const pieces = tf.split(x, splits as number | number[], axis);
      let start = 0;
      for (const piece of pieces) {
        const begin = [0, 0, 0];
        begin[axis] = start;
        expect(Array.from(piece.dataSync())).toEqual(referenceBox(values, x.shape, begin, piece.shape));
        start += piece.shape[axis] as number;
      }
      expect(start).toBe(x.shape[axis]);
      expect(Array.from(tf.concat(pieces, axis).dataSync())).toEqual(values);
      tf.dispose(pieces);
    }
    x.dispose();
  });

  it('empty boxes and strings work (strings through the original kernel)', () => {
    const x = numbered([4, 3], 'float32');
    expect(tf.slice(x, [1, 0], [0, 3]).shape).toEqual([0, 3]);
    const words = tf.tensor1d(['a', 'b', 'c', 'd'], 'string');
    expect(tf.slice(words, [1], [2]).arraySync()).toEqual(['b', 'c']);
    expect(tf.unstack(tf.reshape(words, [2, 2])).map((t) => t.arraySync())).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('gradients through split, concat, unstack and stack (which use these kernels) are exact', () => {
    // f(x) = Σ w ⊙ g(x) with g moving the first of 4 columns last; so ∂f/∂x[…, j] = w[…, (j + 3) % 4].
    const x = tf.tensor3d(Float32Array.from({ length: 24 }, (_, i) => i / 10), [2, 3, 4]);
    const w = Float32Array.from({ length: 24 }, (_, i) => (i % 5) - 2);
    const grad = tf.grad((input: tf.Tensor) => {
      const [first, rest] = tf.split(input, [1, 3], 2) as [tf.Tensor, tf.Tensor];
      const moved = tf.stack(tf.unstack(tf.concat([rest, first], 2)));
      return tf.sum(tf.mul(moved, tf.tensor3d(w, [2, 3, 4])));
    })(x);
    const expected = Array.from({ length: 24 }, (_, i) => w[i - (i % 4) + ((i % 4) + 3) % 4] as number);
    expect(Array.from(grad.dataSync())).toEqual(expected);
  });

  it('tf.clone shares the buffer, outlives its source, and keeps its values when a variable it cloned is assigned', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const buffersBefore = tf.memory().numDataBuffers;
    const copy = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    const variable = tf.variable(tf.tensor1d([5, 6]));
    const snapshot = tf.clone(variable);
    variable.assign(tf.tensor1d([7, 8]));
    expect(Array.from(snapshot.dataSync())).toEqual([5, 6]);
    expect(Array.from(variable.dataSync())).toEqual([7, 8]);
    const words = tf.clone(tf.tensor1d(['a', 'b'], 'string'));
    expect(words.arraySync()).toEqual(['a', 'b']);
    tf.dispose([copy, variable, snapshot, words]);
  });

  it('leaks no tensors across repeated unstack/split/slice', () => {
    const x = numbered([8, 16, 4], 'float32');
    expectNoTensorLeak(() => {
      tf.dispose(tf.unstack(x));
      tf.dispose(tf.split(x, 4, 1));
      tf.slice(x, [1, 2, 0], [3, 4, 4]).dispose();
      tf.clone(x).dispose();
    });
  });
});
