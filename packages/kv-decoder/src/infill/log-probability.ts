import { simdLogSumExp } from './sum-exp-kernel.js';

/**
 * A copy of one row of logits with every id `banned` marks (1) set to −Infinity, the
 * distribution a fill is drawn from; the caller's buffer is left as it was.
 */
export function bannedLogits(logits: Float32Array, banned: Uint8Array): Float32Array {
  const copy = new Float32Array(logits);
  banInPlace(copy, banned);
  return copy;
}

/**
 * Sets every id `banned` marks (1) to −Infinity in `logits` itself: what `bannedLogits`
 * returns, without the copy, for a caller that owns the row. Only the banned slots are
 * written (found with the engine's byte search, not a loop over the vocabulary).
 */
export function banInPlace(logits: Float32Array, banned: Uint8Array): void {
  const end = Math.min(logits.length, banned.length);
  for (let id = banned.indexOf(1); id !== -1 && id < end; id = banned.indexOf(1, id + 1)) logits[id] = -Infinity;
}

/** log softmax(logits)[id] at temperature 1 (−Infinity for a banned id); see `logSumExp`. */
export function logProbabilityOf(logits: ArrayLike<number>, id: number): number {
  return (logits[id] as number) - logSumExp(logits);
}

/**
 * log Σ exp(logits), shifted by the maximum so large logits do not overflow. A float32 row
 * goes through the WebAssembly SIMD kernel (float32 exponentials summed in float64: within
 * ~1e-6 of the float64 loop, tested); other arrays, and rows whose maximum is not finite, through
 * the float64 loop.
 */
export function logSumExp(logits: ArrayLike<number>): number {
  if (logits instanceof Float32Array) {
    const fast = simdLogSumExp(logits);
    if (fast !== undefined) return fast;
  }
  return float64LogSumExp(logits);
}

/** `logSumExp` as a float64 loop with `Math.exp`: the reference the SIMD kernel is tested against. */
export function float64LogSumExp(logits: ArrayLike<number>): number {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const value = logits[i] as number;
    if (value > max) max = value;
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((logits[i] as number) - max);
  return max + Math.log(sum);
}
