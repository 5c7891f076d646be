import * as tf from '@tensorflow/tfjs';

/*
 * Eager TensorFlow ops without tfjs's machinery. On tfjs-node every tfjs op pays for the
 * engine's bookkeeping, kernel lookup, output tensor registration and, for ops whose TensorFlow
 * form takes shapes, axes or split sizes as tensors, creating and freeing those tensors: about
 * 20–40 µs an op against ~10 µs for the TensorFlow call itself (measured on one thread: tf.add of
 * two [64, 256] tensors 23 µs, the binding's AddV2 on the same handles 10 µs; tf.reshape 38 µs).
 * A whole-sequence inference pass of a small model is hundreds of such ops, so that overhead
 * is most of its time. `NativeOps` calls the binding behind tfjs-node's kernels directly on
 * TensorFlow's own tensor handles; constant shape and axis tensors are made once per pass.
 *
 * It records nothing for autodiff: `nativeOps()` refuses while a gradient tape is recording,
 * and callers fall back to their tfjs path. Results are TensorFlow's own kernels' results, so
 * they equal the tfjs path's on the same backend wherever the same ops run in the same order.
 */

/** A TensorFlow eager tensor handle: the binding's id and the shape it reported. */
export interface NativeHandle {
  readonly id: number;
  readonly shape: readonly number[];
}

/** One attribute of an op as the binding takes it. */
export interface NativeAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

/** The parts of tfjs-node's binding (4.22) this uses. */
interface Binding {
  readonly TF_FLOAT: number;
  readonly TF_INT32: number;
  readonly TF_ATTR_TYPE: number;
  readonly TF_ATTR_BOOL: number;
  readonly TF_ATTR_INT: number;
  readonly TF_ATTR_FLOAT: number;
  executeOp(name: string, attrs: readonly NativeAttr[], inputs: readonly number[], outputs: number): { id: number; shape: number[]; dtype: number }[];
  createTensor(shape: readonly number[], dtype: number, values: Float32Array | Int32Array): number;
  tensorDataSync(id: number): Float32Array | Int32Array;
  deleteTensor(id: number): void;
}

/** The parts of tfjs-node's NodeJSKernelBackend (4.22) this uses. */
interface NodeBackend {
  readonly binding: Binding;
  readonly tensorMap: { has(dataId: object): boolean };
  getInputTensorIds(tensors: readonly tf.Tensor[]): number[];
  createOutputTensor(metadata: { id: number; shape: number[]; dtype: number }): tf.Tensor;
}

/** The parts of tfjs-core's Engine (4.22) this reads. */
interface EngineState {
  readonly backendName: string;
  readonly state: { readonly gradientDepth: number };
  moveData(backend: tf.KernelBackend, dataId: object): void;
}

function nodeBackend(): NodeBackend | null {
  if (tf.getBackend() !== 'tensorflow') return null;
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  const binding = backend.binding;
  if (
    typeof binding?.executeOp !== 'function' ||
    typeof binding.createTensor !== 'function' ||
    typeof binding.tensorDataSync !== 'function' ||
    typeof binding.deleteTensor !== 'function' ||
    typeof backend.getInputTensorIds !== 'function' ||
    typeof backend.createOutputTensor !== 'function' ||
    typeof backend.tensorMap?.has !== 'function'
  ) {
    return null;
  }
  return backend as NodeBackend;
}

/** Set to `0` to turn the direct TensorFlow passes off (every pass then runs through tfjs's kernels). */
export const NATIVE_OPS_ENV_VAR = 'MARIA_NATIVE_OPS';

/**
 * Direct TensorFlow ops for one pass, where the active backend is tfjs-node and no gradient
 * tape records (inside `onSequencePassEngine` on the `hybrid` engine, or on `tensorflow`);
 * null elsewhere. Every handle it makes is freed by `dispose()` except those handed to tfjs
 * through `toTensor`.
 */
export function nativeOps(): NativeOps | null {
  if (typeof process !== 'undefined' && process.env?.[NATIVE_OPS_ENV_VAR] === '0') return null;
  const engine = tf.engine() as unknown as EngineState;
  if (typeof engine.state?.gradientDepth !== 'number' || engine.state.gradientDepth > 0) return null;
  const backend = nodeBackend();
  return backend === null ? null : new NativeOps(backend);
}

const matMulAttrs = new WeakMap<object, readonly NativeAttr[]>();

export class NativeOps {
  private readonly binding: Binding;
  private readonly owned = new Set<number>();
  /** The constants of this pass (shapes, axes, scalars) by kind and value. */
  private readonly constants = new Map<string, NativeHandle>();

  constructor(private readonly backend: NodeBackend) {
    this.binding = backend.binding;
  }

  /** Handles made by this pass and not yet freed (0 after `dispose`). */
  get live(): number {
    return this.owned.size;
  }

  /** The handle behind a tfjs tensor (moved to TensorFlow first if another backend holds it); tfjs keeps owning it. */
  input(tensor: tf.Tensor): NativeHandle {
    if (!this.backend.tensorMap.has(tensor.dataId as object)) (tf.engine() as unknown as EngineState).moveData(tf.backend(), tensor.dataId as object);
    const id = this.backend.getInputTensorIds([tensor])[0] as number;
    return { id, shape: tensor.shape };
  }

  floats(values: Float32Array, shape: readonly number[]): NativeHandle {
    return this.own(this.binding.createTensor(shape, this.binding.TF_FLOAT, values), shape);
  }

  ints(values: Int32Array, shape: readonly number[]): NativeHandle {
    return this.own(this.binding.createTensor(shape, this.binding.TF_INT32, values), shape);
  }

  /** An int32 vector (a shape, axes, sizes, a permutation), made once per pass. */
  intVector(values: readonly number[]): NativeHandle {
    return this.once(this.constants, `i[${values.join(',')}]`, () => this.ints(Int32Array.from(values), [values.length]));
  }

  /** An int32 scalar (an axis), made once per pass. */
  intScalar(value: number): NativeHandle {
    return this.once(this.constants, `i${value}`, () => this.ints(Int32Array.of(value), []));
  }

  /** A float32 scalar, made once per pass. */
  scalar(value: number): NativeHandle {
    return this.once(this.constants, `f${value}`, () => this.floats(Float32Array.of(value), []));
  }

  /** `a · b` for float32 matrices: TensorFlow's MatMul (attributes made once per binding). */
  matMul(a: NativeHandle, b: NativeHandle): NativeHandle {
    let attrs = matMulAttrs.get(this.binding);
    if (!attrs) {
      attrs = [this.float, this.bool('transpose_a', false), this.bool('transpose_b', false)];
      matMulAttrs.set(this.binding, attrs);
    }
    return this.one('MatMul', attrs, [a, b]);
  }

  /** Rows `ids` of a float32 table [rows, width] → [ids.length, width]: TensorFlow's GatherV2 on axis 0. */
  gatherRows(table: NativeHandle, ids: Int32Array): NativeHandle {
    const attrs = [this.type('Tparams', 'float32'), this.type('Tindices', 'int32'), this.type('Taxis', 'int32'), this.int('batch_dims', 0)];
    return this.one('GatherV2', attrs, [table, this.ints(ids, [ids.length]), this.intScalar(0)]);
  }

  /** Runs TensorFlow op `name`; `outputs` handles come back, owned by this pass. */
  run(name: string, attrs: readonly NativeAttr[], inputs: readonly NativeHandle[], outputs = 1): NativeHandle[] {
    const made = this.binding.executeOp(
      name,
      attrs,
      inputs.map((input) => input.id),
      outputs,
    );
    return made.map((output) => this.own(output.id, output.shape));
  }

  /** `run` for an op with one output. */
  one(name: string, attrs: readonly NativeAttr[], inputs: readonly NativeHandle[]): NativeHandle {
    return this.run(name, attrs, inputs, 1)[0] as NativeHandle;
  }

  /** A float32 handle's values, copied to the host. */
  read(handle: NativeHandle): Float32Array {
    return this.binding.tensorDataSync(handle.id) as Float32Array; // the binding copies
  }

  /** Frees a handle of this pass now (an intermediate no later op reads). */
  free(handle: NativeHandle): void {
    if (this.owned.delete(handle.id)) this.binding.deleteTensor(handle.id);
  }

  /** Hands a float32 handle of this pass to tfjs as a tensor of `shape` (same element count); `dispose` leaves it alone. */
  toTensor(handle: NativeHandle, shape: readonly number[]): tf.Tensor {
    const same = handle.shape.length === shape.length && handle.shape.every((size, i) => size === shape[i]);
    const target = same ? handle : this.reshape(handle, shape);
    if (!this.owned.delete(target.id)) throw new Error('internal: toTensor of a handle this pass does not own');
    return this.backend.createOutputTensor({ id: target.id, shape: [...shape], dtype: this.binding.TF_FLOAT });
  }

  /** `x` with a new shape (same element count). */
  reshape(x: NativeHandle, shape: readonly number[]): NativeHandle {
    return this.one('Reshape', [this.float, this.type('Tshape', 'int32')], [x, this.intVector(shape)]);
  }

  /** Frees every handle this pass made that tfjs did not take. */
  dispose(): void {
    for (const id of this.owned) this.binding.deleteTensor(id);
    this.owned.clear();
    this.constants.clear();
  }

  // Attributes.
  get float(): NativeAttr {
    return { name: 'T', type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_FLOAT };
  }

  type(name: string, dtype: 'float32' | 'int32'): NativeAttr {
    return { name, type: this.binding.TF_ATTR_TYPE, value: dtype === 'float32' ? this.binding.TF_FLOAT : this.binding.TF_INT32 };
  }

  bool(name: string, value: boolean): NativeAttr {
    return { name, type: this.binding.TF_ATTR_BOOL, value };
  }

  int(name: string, value: number): NativeAttr {
    return { name, type: this.binding.TF_ATTR_INT, value };
  }

  private once(cache: Map<string, NativeHandle>, key: string, make: () => NativeHandle): NativeHandle {
    let found = cache.get(key);
    if (!found) {
      found = make();
      cache.set(key, found);
    }
    return found;
  }

  private own(id: number, shape: readonly number[]): NativeHandle {
    this.owned.add(id);
    return { id, shape };
  }
}
