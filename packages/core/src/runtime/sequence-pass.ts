import * as tf from '@tensorflow/tfjs';

/*
 * The `hybrid` engine runs a MARIA infill on two tfjs backends in one process. The decode
 * steps (one or two rows through each weight matrix, where per-call cost dominates) stay on
 * wasm, whose host step calls XNNPACK directly; whole-sequence passes (the MLM over the masked
 * input, the MLM half of the head for every masked position: products of hundreds of rows)
 * run on native TensorFlow, whose matrix products are several times faster than wasm's
 * 128-bit SIMD. wasm stays the active backend; `onSequencePassEngine` makes the native backend
 * active for the length of one synchronous call.
 *
 * Tensors cross over on first use: tfjs moves a tensor's data to the backend that reads it (the
 * MLM's weights move to TensorFlow on the first pass and stay there while only passes use
 * them). Results are the engine's own: a pass on TensorFlow gives TensorFlow's float32 sums.
 */

/** The parts of tfjs-core's Engine (4.22) that a synchronous backend switch touches. */
interface EngineInternals {
  backendName: string;
  backendInstance: tf.KernelBackend | null;
  readonly registry: Record<string, tf.KernelBackend | undefined>;
  moveData(backend: tf.KernelBackend, dataId: object): void;
}

/** The parts of tfjs-node's NodeJSKernelBackend (4.22) that `acceptMovedData` wraps. */
interface NativeBackendInternals {
  readSync(dataId: object): unknown;
  read(dataId: object): Promise<unknown>;
  readonly tensorMap?: { has(dataId: object): boolean };
}

let passBackend: string | null = null;
const accepting = new WeakSet<object>();

/** The backend whole-sequence passes run on when it is not the active one (`null`: the active one). */
export function sequencePassBackend(): string | null {
  return passBackend;
}

/**
 * Sets the backend of whole-sequence passes (the engine start does this; `null` turns it off).
 * The backend must be registered and initialised.
 */
export function setSequencePassBackend(name: string | null): void {
  if (name !== null && !(tf.engine() as unknown as EngineInternals).registry[name]) throw new Error(`internal: the '${name}' backend is not initialised`);
  passBackend = name;
}

/**
 * Runs `run` (synchronous) with the sequence-pass backend active, so the tensors it creates and
 * the kernels it calls are that backend's, then makes the previous backend active again. With no
 * sequence-pass backend (every engine but `hybrid`) it just runs `run`. Tensors it returns live
 * on the pass backend; reading or disposing them works from anywhere, and an op of the other
 * backend that takes one moves its data first.
 */
export function onSequencePassEngine<T>(run: () => T): T {
  if (passBackend === null) return run();
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.backendName === passBackend) return run();
  const target = engine.registry[passBackend];
  if (!target) throw new Error(`internal: the '${passBackend}' backend is gone`);
  const name = engine.backendName;
  const instance = engine.backendInstance;
  engine.backendName = passBackend;
  engine.backendInstance = target;
  try {
    return run();
  } finally {
    engine.backendName = name;
    engine.backendInstance = instance;
  }
}

/**
 * Lets tfjs-node's kernels read a tensor that another backend holds. tfjs moves such data when
 * a backend looks it up, but a few tfjs-node kernels (GatherV2's indices, for one) read their
 * inputs through `readSync`, which refuses a tensor it has not seen; this moves the data first.
 */
export function acceptMovedData(backend: tf.KernelBackend): void {
  if (accepting.has(backend)) return;
  const native = backend as unknown as NativeBackendInternals;
  const tensorMap = native.tensorMap;
  if (typeof tensorMap?.has !== 'function' || typeof native.readSync !== 'function' || typeof native.read !== 'function') {
    throw new Error('the native backend does not expose the tensor map the hybrid engine needs (tested with @tensorflow/tfjs-node 4.22)');
  }
  const engine = tf.engine() as unknown as EngineInternals;
  const own = (dataId: object): void => {
    if (!tensorMap.has(dataId)) engine.moveData(backend, dataId);
  };
  const readSync = native.readSync.bind(native);
  const read = native.read.bind(native);
  native.readSync = (dataId) => {
    own(dataId);
    return readSync(dataId);
  };
  native.read = (dataId) => {
    own(dataId);
    return read(dataId);
  };
  accepting.add(backend);
}
