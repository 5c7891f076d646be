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
 * enclosing `tidy` before the gradient runs (DESIGN.md §2).
 */
export function binaryCustomGrad<T extends tf.Tensor>(fn: BinaryGradientFunction): (a: tf.Tensor, b: tf.Tensor) => T {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) =>
    fn(inputs[0] as tf.Tensor, inputs[1] as tf.Tensor, inputs[2] as tf.GradSaveFunc),
  );
  return (a, b) => op(a, b) as T;
}
