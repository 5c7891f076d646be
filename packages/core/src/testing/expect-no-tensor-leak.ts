import * as tf from '@tensorflow/tfjs';

export interface LeakOptions {
  /** Tensors the function is allowed to leave alive (e.g. the ones it returns). Default 0. */
  readonly allowed?: number;
}

/**
 * Runs `fn` (sync or async) and asserts that `tf.memory().numTensors` is the same before and
 * after, plus `allowed`. Returns what `fn` returned. A KV cache or an optimizer that leaks
 * one tensor per step fails here long before it exhausts memory.
 */
export async function expectNoTensorLeak<T>(fn: () => T | Promise<T>, options: LeakOptions = {}): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  const allowed = options.allowed ?? 0;
  if (after - before !== allowed) {
    throw new Error(`expectNoTensorLeak: numTensors went from ${before} to ${after} (${after - before >= 0 ? '+' : ''}${after - before}), expected +${allowed}`);
  }
  return result;
}
