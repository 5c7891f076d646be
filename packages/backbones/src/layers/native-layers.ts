import type { NativeHandle, NativeOps } from '@maria-ts/core';
import type { ActivationName } from './activation.js';
import type { DenseParameters } from './dense.js';
import type { LayerNormParameters } from './layer-norm.js';

/*
 * The layers of an inference pass through `NativeOps` (core): the same arithmetic in the same
 * order as the tfjs layers (`layerNorm`, `dense`, the activations, `attendOverChunks`), as
 * direct TensorFlow calls on rows [tokens, width]. Intermediates are freed as soon as the next
 * op has read them, so a pass holds about one layer's activations at a time.
 */

/** `x · weight (+ bias)` for rows x [n, in]. */
export function nativeDense(ops: NativeOps, x: NativeHandle, parameters: DenseParameters): NativeHandle {
  const product = ops.matMul(x, ops.input(parameters.weight));
  if (!parameters.bias) return product;
  const biased = ops.one('AddV2', [ops.float], [product, ops.input(parameters.bias)]);
  ops.free(product);
  return biased;
}

/** LayerNorm over the last axis, as `layerNorm`: (x − mean) · rsqrt(mean((x − mean)²) + ε) · w + b. */
export function nativeLayerNorm(ops: NativeOps, x: NativeHandle, parameters: LayerNormParameters, epsilon: number): NativeHandle {
  const reduce = [ops.float, ops.type('Tidx', 'int32'), ops.bool('keep_dims', true)];
  const lastAxis = ops.intVector([-1]);
  const mean = ops.one('Mean', reduce, [x, lastAxis]);
  const centered = ops.one('Sub', [ops.float], [x, mean]);
  ops.free(mean);
  const squared = ops.one('Square', [ops.float], [centered]);
  const variance = ops.one('Mean', reduce, [squared, lastAxis]);
  ops.free(squared);
  const shifted = ops.one('AddV2', [ops.float], [variance, ops.scalar(epsilon)]);
  ops.free(variance);
  const scale = ops.one('Rsqrt', [ops.float], [shifted]);
  ops.free(shifted);
  let y = ops.one('Mul', [ops.float], [centered, scale]);
  ops.free(centered);
  ops.free(scale);
  if (parameters.weight) y = replace(ops, y, ops.one('Mul', [ops.float], [y, ops.input(parameters.weight)]));
  if (parameters.bias) y = replace(ops, y, ops.one('AddV2', [ops.float], [y, ops.input(parameters.bias)]));
  return y;
}

/** Frees `old` and returns `next` (for chains of in-place-looking updates). */
export function replace(ops: NativeOps, old: NativeHandle, next: NativeHandle): NativeHandle {
  ops.free(old);
  return next;
}

/** Elementwise `a op b`, freeing `a` (b is kept). */
export function nativeBinary(ops: NativeOps, name: 'AddV2' | 'Mul' | 'Sub', a: NativeHandle, b: NativeHandle): NativeHandle {
  return replace(ops, a, ops.one(name, [ops.float], [a, b]));
}

/** The activations an inference pass runs natively; the others make the caller use its tfjs path. */
export const NATIVE_ACTIVATIONS: ReadonlySet<ActivationName> = new Set<ActivationName>(['gelu', 'relu', 'silu', 'swish']);

/** `act(x)`, as the tfjs activation of that name computes it; frees x. */
export function nativeActivation(ops: NativeOps, name: ActivationName, x: NativeHandle): NativeHandle {
  switch (name) {
    case 'gelu': {
      // 0.5·x·(1 + erf(x/√2)), in geluExact's order.
      const half = ops.one('Mul', [ops.float], [x, ops.scalar(0.5)]);
      const scaled = ops.one('Mul', [ops.float], [x, ops.scalar(Math.SQRT1_2)]);
      ops.free(x);
      const erf = replace(ops, scaled, ops.one('Erf', [ops.float], [scaled]));
      const plusOne = nativeBinary(ops, 'AddV2', erf, ops.scalar(1));
      const out = ops.one('Mul', [ops.float], [half, plusOne]);
      ops.free(half);
      ops.free(plusOne);
      return out;
    }
    case 'relu':
      return replace(ops, x, ops.one('Relu', [ops.float], [x]));
    case 'silu':
    case 'swish': {
      const sigmoid = ops.one('Sigmoid', [ops.float], [x]);
      const out = ops.one('Mul', [ops.float], [x, sigmoid]);
      ops.free(x);
      ops.free(sigmoid);
      return out;
    }
    default:
      throw new Error(`internal: no native form of activation '${name}'`);
  }
}

/** Splits x along `axis` into pieces of `sizes`. */
export function nativeSplit(ops: NativeOps, x: NativeHandle, sizes: readonly number[], axis: number): NativeHandle[] {
  return ops.run('SplitV', [ops.float, ops.type('Tlen', 'int32'), ops.int('num_split', sizes.length)], [x, ops.intVector(sizes), ops.intScalar(axis)], sizes.length);
}

/** Concatenates along `axis`. */
export function nativeConcat(ops: NativeOps, pieces: readonly NativeHandle[], axis: number): NativeHandle {
  return ops.one('ConcatV2', [ops.float, ops.type('Tidx', 'int32'), ops.int('N', pieces.length)], [...pieces, ops.intScalar(axis)]);
}

/** Permutes the axes of x. */
export function nativeTranspose(ops: NativeOps, x: NativeHandle, perm: readonly number[]): NativeHandle {
  return ops.one('Transpose', [ops.float, ops.type('Tperm', 'int32')], [x, ops.intVector(perm)]);
}
