/**
 * A copy of one row of logits with every id `banned` marks (1) set to −Infinity, the
 * distribution a fill is drawn from; the caller's buffer is left as it was.
 */
export function bannedLogits(logits: Float32Array, banned: Uint8Array): Float32Array {
  const copy = new Float32Array(logits);
  for (let id = 0; id < copy.length; id++) if (banned[id] === 1) copy[id] = -Infinity;
  return copy;
}

/** log softmax(logits)[id] at temperature 1, in float64 (−Infinity for a banned id). */
export function logProbabilityOf(logits: ArrayLike<number>, id: number): number {
  return (logits[id] as number) - logSumExp(logits);
}

/** log Σ exp(logits), shifted by the maximum so large logits do not overflow. */
export function logSumExp(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if ((logits[i] as number) > max) max = logits[i] as number;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  return max + Math.log(sum);
}
