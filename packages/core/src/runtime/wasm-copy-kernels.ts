import * as tf from '@tensorflow/tfjs';

/*
 * The wasm backend's Slice, Unpack and SplitV kernels (tfjs-backend-wasm 4.22) start every
 * output with `backend.readSync(x)`, which copies the WHOLE input out of the wasm heap
 * (`HEAPU8.slice`), then copy the requested box out of that copy. Unstacking a [64, 128, 64]
 * tensor therefore copies 64 × 2 MB, taking ~50–80 ms where the box copies alone take well
 * under 1 ms; splitting attention into per-item products made that the largest cost of a
 * ModernBERT forward (721 ms of 1,713 for a [16, 128] batch). tf.split, tf.unstack,
 * tf.slice, and the gradients that use them (concat's, stack's) all reach these kernels.
 *
 * The replacements below copy only the bytes they return, inside the heap, one
 * `copyWithin` per contiguous run. Strings keep the original kernels.
 *
 * wasm's Identity (tf.clone, and every tensor a custom gradient `save`s, which tfjs clones)
 * copies its input; tensors are immutable, so like the CPU backend's it now shares the
 * buffer and counts a reference (as wasm's own Reshape does). A training step of the ops
 * bench block cloned 296 tensors (17 ms, among them a 32 MB softmax) for nothing.
 */

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmHeapBackend {
  readonly wasm: { readonly HEAPU8: Uint8Array };
  incRef(dataId: object): void;
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface KernelArgs {
  readonly inputs: { readonly x?: tf.TensorInfo; readonly value?: tf.TensorInfo };
  readonly attrs: Record<string, unknown>;
  readonly backend: WasmHeapBackend;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis] as number;
  }
  return strides;
}

/**
 * Copies the box `begin`…`begin + size` of `x` into a new output of shape `outShape` (the
 * box's shape, or the box's shape with unit axes dropped), one contiguous run at a time.
 */
function copyBox(backend: WasmHeapBackend, x: tf.TensorInfo, begin: readonly number[], size: readonly number[], outShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(outShape, x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const bytes = tf.util.bytesPerElement(x.dtype);
  // Read the heap and offsets after makeOutput: its malloc may have grown (replaced) the heap.
  const heap = backend.wasm.HEAPU8;
  const source = backend.dataIdMap.get(x.dataId)?.memoryOffset as number;
  let target = backend.dataIdMap.get(out.dataId)?.memoryOffset as number;
  const shape = x.shape;
  const rank = shape.length;
  if (rank === 0) {
    heap.copyWithin(target, source, source + bytes);
    return out;
  }
  const strides = stridesOf(shape);
  // Axes after `inner` are whole, so each run spans size[inner] · strides[inner] elements.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const runBytes = (size[inner] as number) * (strides[inner] as number) * bytes;
  const index = new Array<number>(inner).fill(0);
  for (;;) {
    let offset = (begin[inner] as number) * (strides[inner] as number);
    for (let axis = 0; axis < inner; axis++) offset += ((begin[axis] as number) + (index[axis] as number)) * (strides[axis] as number);
    const start = source + offset * bytes;
    heap.copyWithin(target, start, start + runBytes);
    target += runBytes;
    let axis = inner - 1;
    while (axis >= 0 && (index[axis] = (index[axis] as number) + 1) === size[axis]) index[axis--] = 0;
    if (axis < 0) return out;
  }
}

function sliceKernel(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs.begin as number[], args.attrs.size as number[]) as [number[], number[]];
  return copyBox(args.backend, x, begin, size, [...size]);
}

function unpackKernel(args: KernelArgs): tf.TensorInfo[] {
  const value = args.inputs.value as tf.TensorInfo;
  let axis = args.attrs.axis as number;
  if (axis < 0) axis += value.shape.length;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const begin = value.shape.map(() => 0);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] as number }, (_, i) => {
    begin[axis] = i;
    return copyBox(args.backend, value, begin, size, [...outShape]);
  });
}

function splitVKernel(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0] as number;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits as number | number[], axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((piece) => {
    const size = [...x.shape];
    size[axis] = piece;
    const out = copyBox(args.backend, x, begin, size, [...size]);
    begin[axis] = (begin[axis] as number) + piece;
    return out;
  });
}

function identityKernel(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const replacements: Record<string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]> = {
  Identity: identityKernel,
  Slice: sliceKernel,
  Unpack: unpackKernel,
  SplitV: splitVKernel,
};

const installed = new WeakSet<object>();

/**
 * Replaces wasm's Slice, Unpack and SplitV kernels by heap-to-heap copies, and Identity by a
 * shared reference (see above); idempotent. String tensors go to the original kernels.
 */
export function installWasmCopyKernels(): void {
  for (const [name, replacement] of Object.entries(replacements)) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || installed.has(original.kernelFunc)) continue;
    const kernelFunc = ((args: KernelArgs) => {
      const x = args.inputs.x ?? args.inputs.value;
      return x?.dtype === 'string' ? original.kernelFunc(args as never) : replacement(args);
    }) as unknown as tf.KernelFunc;
    installed.add(kernelFunc);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
}
