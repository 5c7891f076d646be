import * as tf from '@tensorflow/tfjs';

/** A two-input op with a hand-written gradient, typed the way our fast ops are written. */
export type BinaryGradientFunction = (
  a: tf.Tensor,
  b: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/**
 * `tf.customGrad` for two tensor inputs with precise parameter types (tfjs types every
 * parameter as `Tensor | GradSaveFunc`). Tensors needed by the gradient must be passed as
 * inputs and `save()`d, never captured in a closure: captured ones may be disposed by an
 * enclosing `tidy` before the gradient runs (ARCHITECTURE.md §2.2).
 */
export function binaryCustomGrad<T extends tf.Tensor>(fn: BinaryGradientFunction): (a: tf.Tensor, b: tf.Tensor) => T {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) =>
    fn(inputs[0] as tf.Tensor, inputs[1] as tf.Tensor, inputs[2] as tf.GradSaveFunc),
  );
  return (a, b) => (recordingGradients() ? op(a, b) : fn(a, b, ignoreSaved).value) as T;
}

function ignoreSaved(): void {}

/**
 * Whether tfjs is recording ops for a gradient now (inside tf.grad, variableGrads, an
 * optimizer's minimize). When it is not, a custom-gradient op is its forward alone: the
 * customGrad machinery costs ~30 µs a call, about a small matmul's own cost at decode time
 * (a 1 × 256 × 256 product: 55 µs through it, 24 µs without). Unknown engines count as recording.
 */
export function recordingGradients(): boolean {
  const engine = tf.engine() as unknown as { isTapeOn?: () => boolean };
  return typeof engine.isTapeOn === 'function' ? engine.isTapeOn() : true;
}
