import * as tf from '@tensorflow/tfjs';
import { binaryCustomGrad } from './binary-custom-grad.js';
import { ShapeMismatchError } from '../../errors.js';
import { POOL_MIN_ROWS, POOL_MIN_WORK, withThreadPool } from '../thread-pool-switch.js';

/*
 * On the wasm backend a matMul with transposeA/transposeB, or any batched rank-3 matMul
 * with those flags, runs at about 1 GFLOP/s instead of 14–30 (ARCHITECTURE.md §2.2). tfjs's own
 * matMul gradient emits exactly those calls. These ops transpose explicitly instead, in
 * the forward pass and in their gradients, so every product reaches XNNPACK's fast path.
 */

function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return tf.transpose(x, perm);
}

/**
 * `tf.matMul` on XNNPACK's thread pool when the product is large enough to gain from it
 * (threaded wasm; elsewhere the pool switch is absent and this is `tf.matMul`).
 */
function pooledProduct(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const work = a.size * (b.shape[b.rank - 1] as number);
  const rows = a.shape[a.rank - 2] as number;
  return work >= POOL_MIN_WORK && rows >= POOL_MIN_ROWS ? withThreadPool(() => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D)) : tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D);
}

/**
 * a [m, k] · b [k, n], or batched a [batch, m, k] · b [batch, k, n], with a gradient that
 * transposes explicitly instead of using matMul's transpose flags.
 */
const explicitProduct = binaryCustomGrad<tf.Tensor>((a, b, save) => {
  save([a, b]);
  return {
    value: pooledProduct(a, b),
    gradFunc: (dy, saved) => {
      const [savedA, savedB] = saved as [tf.Tensor, tf.Tensor];
      return [pooledProduct(dy, swapLastTwo(savedB)), pooledProduct(swapLastTwo(savedA), dy)];
    },
  };
});

/**
 * Per-item work (multiply-adds) from which a batched product is split into one 2-D product
 * per item. wasm runs every batched product (batch > 1) on a scalar, single-threaded loop at
 * ~1 GFLOP/s, but 2-D products on XNNPACK (SIMD, on every wasm thread). Splitting costs a
 * slice and a product call per item, plus a threadpool wake per product, so tiny items (a
 * decode step's single query row) stay batched; attention over a training window
 * ([B·H, 128, 64] · [B·H, 64, 128], 1M multiply-adds per item) is split.
 */
export const SPLIT_BATCHED_PRODUCT_MIN_WORK = 1 << 16;

/** Whether a batched product of `items` [m, k] · [k, n] products runs faster as 2-D products (wasm only; native engines batch well). */
export function splitsIntoPlainProducts(items: number, m: number, k: number, n: number): boolean {
  return items > 1 && m > 1 && m * k * n >= SPLIT_BATCHED_PRODUCT_MIN_WORK && tf.getBackend() === 'wasm';
}

export interface MatMulOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * Drop-in `tf.matMul` for rank ≥ 2 operands that stays on wasm's fast path:
 * - `transposeA`/`transposeB` are applied as explicit transposes;
 * - a rank-N `a` times a rank-2 `b` is folded into one 2-D product;
 * - equal-rank batched operands are folded to rank 3 (e.g. attention's [B, H, T, d]).
 * Gradients transpose explicitly too.
 */
export function matMul(a: tf.Tensor, b: tf.Tensor, options: MatMulOptions = {}): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return engineMatMul(a, b, options);
  return tf.tidy(() => {
    const left = options.transposeA ? swapLastTwo(a) : a;
    const right = options.transposeB ? swapLastTwo(b) : b;
    const k = left.shape[left.rank - 1] as number;
    if (right.shape[right.rank - 2] !== k) {
      throw new ShapeMismatchError('matMul right operand', right.shape, [...right.shape.slice(0, -2), k, right.shape[right.rank - 1] ?? null]);
    }
    if (right.rank === 2) {
      const leading = left.shape.slice(0, -1);
      const product = explicitProduct(left.reshape([-1, k]), right);
      return product.reshape([...leading, right.shape[1] as number]);
    }
    if (left.rank !== right.rank || left.rank < 3) {
      throw new ShapeMismatchError('matMul operands (batched operands need equal rank)', right.shape, [...left.shape.slice(0, -2), k, null]);
    }
    const batch = left.shape.slice(0, -2);
    const m = left.shape[left.rank - 2] as number;
    const n = right.shape[right.rank - 1] as number;
    const left3 = left.reshape([-1, m, k]);
    const right3 = right.reshape([-1, k, n]);
    let product: tf.Tensor;
    if (splitsIntoPlainProducts(left3.shape[0] as number, m, k, n)) {
      const rights = tf.unstack(right3);
      product = tf.stack(tf.unstack(left3).map((item, i) => explicitProduct(item, rights[i] as tf.Tensor)));
    } else {
      product = explicitProduct(left3, right3);
    }
    return product.reshape([...batch, m, n]);
  });
}

/**
 * `matMul` on engines other than wasm (native TensorFlow): the engine's own BatchMatMul with
 * its transpose flags and gradient, which are fast there. Operands are folded to rank 3 (or
 * a rank-N × rank-2 product to one 2-D product) as on wasm, with the same shape checks.
 */
function engineMatMul(a: tf.Tensor, b: tf.Tensor, options: MatMulOptions): tf.Tensor {
  return tf.tidy(() => {
    const transposeA = options.transposeA ?? false;
    const transposeB = options.transposeB ?? false;
    const k = a.shape[a.rank - (transposeA ? 2 : 1)] as number;
    const bK = b.shape[b.rank - (transposeB ? 1 : 2)];
    const n = b.shape[b.rank - (transposeB ? 2 : 1)] as number;
    if (bK !== k) throw new ShapeMismatchError('matMul right operand', b.shape, transposeB ? [...b.shape.slice(0, -2), n, k] : [...b.shape.slice(0, -2), k, n]);
    if (b.rank === 2 && !transposeA) {
      const leading = a.shape.slice(0, -1);
      return tf.matMul(a.reshape([-1, k]) as tf.Tensor2D, b as tf.Tensor2D, false, transposeB).reshape([...leading, n]);
    }
    if (a.rank !== b.rank || a.rank < 2) {
      throw new ShapeMismatchError('matMul operands (batched operands need equal rank)', b.shape, [...a.shape.slice(0, -2), k, null]);
    }
    if (a.rank === 2) return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB);
    const batch = a.shape.slice(0, -2);
    const a3 = a.reshape([-1, ...a.shape.slice(-2)]) as tf.Tensor3D;
    const b3 = b.reshape([-1, ...b.shape.slice(-2)]) as tf.Tensor3D;
    const product = tf.matMul(a3, b3, transposeA, transposeB);
    return product.reshape([...batch, ...product.shape.slice(-2)]);
  });
}

/**
 * A dense layer `x · weight (+ bias)` for x of shape [..., in] and weight [in, out]. Weights
 * loaded from checkpoints stored [out, in] should be transposed once at load time, not per call.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor2D, bias?: tf.Tensor1D | null): tf.Tensor {
  return tf.tidy(() => {
    const product = matMul(x, weight);
    return bias ? tf.add(product, bias) : product;
  });
}
