import * as tf from '@tensorflow/tfjs';

/** TensorFlow handles made and freed through tfjs-node's binding while counting. */
export interface NativeHandleCount {
  made: number;
  freed: number;
  /** Puts the backend's own binding back. */
  restore(): void;
}

/**
 * Counts the TensorFlow tensor handles the active tfjs-node backend makes (op outputs and
 * uploads) and frees until `restore()`, by swapping the backend's `binding` for a counting
 * copy (the addon's own functions cannot be spied on). Everything that reaches TensorFlow
 * through tfjs or `NativeOps` goes through it. Throws on another backend.
 */
export function countNativeHandles(): NativeHandleCount {
  const backend = tf.backend() as unknown as { binding?: Record<string, unknown> };
  const original = backend.binding;
  if (tf.getBackend() !== 'tensorflow' || original === undefined) throw new Error('countNativeHandles: the active backend is not tfjs-node');
  const count: NativeHandleCount = { made: 0, freed: 0, restore: () => void (backend.binding = original) };
  const counting: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(original)) {
    const value = original[key];
    if (typeof value !== 'function') {
      counting[key] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    counting[key] = (...args: unknown[]) => {
      const result = fn.apply(original, args);
      if (key === 'executeOp') count.made += (result as unknown[]).length;
      if (key === 'createTensor') count.made++;
      if (key === 'deleteTensor') count.freed++;
      return result;
    };
  }
  backend.binding = counting;
  return count;
}
