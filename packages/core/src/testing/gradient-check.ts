import * as tf from '@tensorflow/tfjs';

export interface FiniteDifferenceOptions {
  /** Step of the central difference. Float32 engines need ~1e-2 to 1e-3. */
  readonly epsilon?: number;
  /** Check at most this many coordinates, spread evenly (all of them by default). */
  readonly maxCoordinates?: number;
}

/**
 * Central finite differences `(f(x+εeᵢ) − f(x−εeᵢ)) / 2ε` of a scalar function at `x`, for
 * checking hand-written gradients. Returns the estimate at the checked coordinates and
 * which coordinates they were.
 */
export function finiteDifferenceGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  options: FiniteDifferenceOptions = {},
): { indices: number[]; values: number[] } {
  const epsilon = options.epsilon ?? 1e-2;
  const base = Float32Array.from(x.dataSync() as Float32Array);
  const count = Math.min(base.length, options.maxCoordinates ?? base.length);
  const stride = base.length / count;
  const indices = Array.from({ length: count }, (_, k) => Math.floor(k * stride));
  const evaluate = (values: Float32Array) =>
    tf.tidy(() => f(tf.tensor(values, x.shape, 'float32')).dataSync()[0] as number);
  const values = indices.map((i) => {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = (plus[i] as number) + epsilon;
    minus[i] = (minus[i] as number) - epsilon;
    return (evaluate(plus) - evaluate(minus)) / (2 * epsilon);
  });
  return { indices, values };
}
