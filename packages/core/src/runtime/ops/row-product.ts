import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeMismatchError } from '../../errors.js';
import { linear } from './matmul.js';
import { nativeOps } from '../native-ops.js';
import { withThreadPool } from '../thread-pool-switch.js';

/*
 * A decode step multiplies one or two rows by each weight matrix. Through tfjs each such
 * product is an input upload, a tidy scope, two reshapes, the BatchMatMul kernel, an output
 * allocation, a read-back copy and two frees: on wasm that bookkeeping costs about as much as
 * the product itself. On wasm, `RowProduct` keeps one input and one output buffer in the
 * backend's heap for the life of the product, writes the rows straight into the input buffer
 * and calls the raw export behind the backend's BatchMatMul kernel on them (the two shapes
 * written into the heap once, so a call marshals no arguments), which runs the same XNNPACK
 * operator (cached per weight buffer) as `tf.matMul`, so results are identical. On more than
 * one wasm thread every such product runs on XNNPACK's pool (`withThreadPool`): the products of
 * a decode step follow each other closely enough that the pool's threads are still spinning when
 * the next one comes, so a product of one row splits its columns across the threads (each column
 * computed as on one thread: the same values) for the cost of a handoff. On tfjs-node it is one
 * direct TensorFlow MatMul (`NativeOps`); elsewhere, and under a gradient tape, `linear`.
 */

/** The parts of tfjs-backend-wasm's BackendWasm this uses (4.22). */
interface WasmBackendInternals {
  readonly wasm: {
    readonly HEAPF32: Float32Array;
    readonly HEAP32: Int32Array;
    /** The raw export behind the backend's BatchMatMul kernel: ids, shape pointers and lengths, transposes, output id. */
    _BatchMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number, transposeA: number, transposeB: number, outId: number): void;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  };
  readonly dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
}

function wasmBackend(): WasmBackendInternals | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as WasmBackendInternals;
  const { wasm } = backend;
  if (typeof wasm?._BatchMatMul !== 'function' || typeof wasm._malloc !== 'function' || typeof wasm._free !== 'function' || typeof backend.dataIdMap?.get !== 'function') return null;
  return backend;
}

/** Where a tensor's buffer lives in the wasm heap. */
function heapData(backend: WasmBackendInternals, tensor: tf.Tensor): { id: number; memoryOffset: number } {
  const data = backend.dataIdMap.get(tensor.dataId as object);
  if (!data) throw new Error('internal: a RowProduct buffer is not in the wasm heap');
  return data;
}

/**
 * Rows `ids` of `table` [rows, width] (float32) copied to the host, [ids.length × width]
 * row-major: a decode step's token embeddings. On wasm they are read straight from the
 * table's buffer in the heap (no upload, kernel or read-back: ~130 µs a step through tfjs's
 * gather and `dataSync`); on tfjs-node as one direct GatherV2; elsewhere through `tf.gather`.
 * Ids must be in range (the caller checks).
 */
export function gatherRowsToHost(table: tf.Tensor2D, ids: Int32Array): Float32Array {
  const width = table.shape[1];
  const backend = table.dtype === 'float32' ? wasmBackend() : null;
  const data = backend?.dataIdMap.get(table.dataId as object);
  if (!backend || !data) {
    const ops = table.dtype === 'float32' ? nativeOps() : null;
    if (ops) {
      try {
        return ops.read(ops.gatherRows(ops.input(table), ids));
      } finally {
        ops.dispose();
      }
    }
    const rows = tf.tidy(() => tf.gather(table, tf.tensor1d(ids, 'int32')));
    try {
      return Float32Array.from(rows.dataSync() as Float32Array);
    } finally {
      rows.dispose();
    }
  }
  const heap = backend.wasm.HEAPF32;
  const base = data.memoryOffset / 4;
  const out = new Float32Array(ids.length * width);
  ids.forEach((id, k) => out.set(heap.subarray(base + id * width, base + (id + 1) * width), k * width));
  return out;
}

/**
 * Products of at most this many rows run one row per call: XNNPACK computes 2 rows with its
 * 4-row kernel at the cost of 4, and its 1-row kernel is about 3× cheaper per call (measured on
 * wasm, one thread: 256 × 1376 weights, 47 µs for 1 row, 140 µs for 2, 146 µs for 4).
 */
export const ROW_BY_ROW_MAX_ROWS = 2;

/**
 * Rows of XNNPACK's multi-row f32 kernel in this binary: a product of r rows costs ⌈r / 4⌉ of
 * its tiles, so 5 or 6 rows run as one tile of 4 and then row by row (apps/bench's
 * `row-product-rows.ts`, wasm, one thread, 256 × 1376: 5 rows 338 → 211 µs, 6 rows 346 → 269 µs;
 * the same values).
 */
const KERNEL_ROWS = 4;

/**
 * `x · weight (+ bias)` for host rows x [rows, in] with rows ≤ `maxRows`, results on the
 * host: the products of a host decode step. Reuses its buffers across calls; `dispose` frees them.
 */
export class RowProduct {
  readonly inputs: number;
  readonly outputs: number;
  readonly maxRows: number;
  private readonly weight: tf.Tensor2D;
  private readonly bias: tf.Tensor1D | null;
  private hostBias: { readonly dataId: object; readonly values: Float32Array } | null = null;
  /** `runShared`'s output rows on the host, [maxRows, out], made on first use. */
  private sharedOutput: Float32Array | null = null;
  /** The wasm buffers: input and output rows, and the two shapes [1, rows, in] and [1, in, out] (int32) in the heap. */
  private buffers: { readonly backend: WasmBackendInternals; readonly input: tf.Tensor2D; readonly output: tf.Tensor2D; readonly shapes: number } | null = null;

  /** `weight` [in, out] and `bias` [out] stay owned by the caller and must outlive this product. */
  constructor(weight: tf.Tensor2D, bias: tf.Tensor1D | null, maxRows: number) {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new InvalidArgumentError('RowProduct maxRows', maxRows, 'an integer >= 1');
    this.weight = weight;
    this.bias = bias;
    this.inputs = weight.shape[0];
    this.outputs = weight.shape[1];
    this.maxRows = maxRows;
  }

  /** The product of the first `rows` rows of `x` ([rows, in] row-major), as a new [rows, out] array. */
  run(x: Float32Array, rows: number): Float32Array {
    return this.product(x, rows, false);
  }

  /**
   * `run` into a buffer this product owns and reuses: the result is overwritten by the next
   * `runShared` call (on wasm, up to `maxRows` rows; more rows, or another engine, get a new
   * array as from `run`). For decode loops, where an array per product and step is garbage for the
   * collector (a step of the embedded model made ~17 of them, 44 KB).
   */
  runShared(x: Float32Array, rows: number): Float32Array {
    return this.product(x, rows, true);
  }

  private product(x: Float32Array, rows: number, shared: boolean): Float32Array {
    if (!Number.isInteger(rows) || rows < 1 || x.length < rows * this.inputs) throw new ShapeMismatchError('RowProduct rows', [x.length / this.inputs], [rows, this.inputs]);
    const direct = rows <= this.maxRows && this.weight.dtype === 'float32';
    const backend = direct ? wasmBackend() : null;
    if (!backend) {
      const native = direct ? nativeOps() : null;
      if (native) return this.withBias(this.nativeProduct(native, x, rows), rows);
      const out = tf.tidy(() => linear(tf.tensor2d(x.subarray(0, rows * this.inputs), [rows, this.inputs]), this.weight, this.bias));
      try {
        return Float32Array.from(out.dataSync() as Float32Array);
      } finally {
        out.dispose();
      }
    }
    const buffers = (this.buffers ??= this.wasmBuffers(backend));
    const input = heapData(backend, buffers.input);
    const output = heapData(backend, buffers.output);
    const weightId = heapData(backend, this.weight).id; // looked up per call: an assigned variable gets a new buffer
    const { wasm } = backend;
    const result = shared ? (this.sharedOutput ??= new Float32Array(this.maxRows * this.outputs)).subarray(0, rows * this.outputs) : new Float32Array(rows * this.outputs);
    const call = (first: number, count: number): void => {
      wasm.HEAP32[buffers.shapes / 4 + 1] = count;
      wasm.HEAPF32.set(x.subarray(first * this.inputs, (first + count) * this.inputs), input.memoryOffset / 4);
      withThreadPool(() => wasm._BatchMatMul(input.id, buffers.shapes, 3, weightId, buffers.shapes + 12, 3, 0, 0, output.id));
      // Read the heap after the call: an allocation inside it may have grown (replaced) the heap.
      const from = output.memoryOffset / 4;
      result.set(wasm.HEAPF32.subarray(from, from + count * this.outputs), first * this.outputs);
    };
    // Whole tiles of the 4-row kernel in one call; a last 1 or 2 rows one at a time (a tile of them costs 4 rows).
    const remainder = rows % KERNEL_ROWS;
    const together = remainder <= ROW_BY_ROW_MAX_ROWS ? rows - remainder : rows;
    if (together > 0) call(0, together);
    for (let row = together; row < rows; row++) call(row, 1);
    return this.withBias(result, rows);
  }

  /**
   * The product on tfjs-node (the `tensorflow` engine's decode steps) as one direct TensorFlow
   * MatMul through core's `NativeOps`, without tfjs's reshapes, add and bookkeeping.
   */
  private nativeProduct(ops: NonNullable<ReturnType<typeof nativeOps>>, x: Float32Array, rows: number): Float32Array {
    try {
      const input = ops.floats(x.subarray(0, rows * this.inputs), [rows, this.inputs]);
      return ops.read(ops.matMul(input, ops.input(this.weight)));
    } finally {
      ops.dispose();
    }
  }

  /** Adds the bias (if any) to each of the first `rows` rows of `result` in place; returns it. */
  private withBias(result: Float32Array, rows: number): Float32Array {
    if (this.bias) {
      if (this.hostBias?.dataId !== this.bias.dataId) this.hostBias = { dataId: this.bias.dataId as object, values: Float32Array.from(this.bias.dataSync() as Float32Array) };
      const bias = this.hostBias.values;
      for (let row = 0; row < rows; row++) for (let j = 0; j < this.outputs; j++) result[row * this.outputs + j] = (result[row * this.outputs + j] as number) + (bias[j] as number);
    }
    return result;
  }

  /** The input and output buffers and the shapes, made on the first wasm call. */
  private wasmBuffers(backend: WasmBackendInternals): NonNullable<RowProduct['buffers']> {
    const input = tf.keep(tf.zeros([this.maxRows, this.inputs])) as tf.Tensor2D;
    const output = tf.keep(tf.zeros([this.maxRows, this.outputs])) as tf.Tensor2D;
    const shapes = backend.wasm._malloc(24);
    backend.wasm.HEAP32.set([1, 1, this.inputs, 1, this.inputs, this.outputs], shapes / 4);
    return { backend, input, output, shapes };
  }

  dispose(): void {
    if (this.buffers) {
      tf.dispose([this.buffers.input, this.buffers.output]);
      this.buffers.backend.wasm._free(this.buffers.shapes);
    }
    this.buffers = null;
    this.sharedOutput = null;
  }
}
