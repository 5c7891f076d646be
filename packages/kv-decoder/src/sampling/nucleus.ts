/** A weighted set of token ids, ascending, with the sum of its weights. */
export interface WeightedTokens {
  readonly ids: Int32Array;
  /** Unnormalised probabilities, exp((logit − max) / temperature), aligned with `ids`. */
  readonly weights: Float64Array;
  /** Σ weights, summed in ascending-id order. */
  readonly total: number;
}

/** Buckets of one nat of log-weight; everything below e^-BUCKETS shares the last bucket. */
const BUCKETS = 64;

/**
 * Nucleus (top-p) filtering: the smallest set of most likely tokens whose weight reaches
 * `topP · total`, taking tokens by descending logit (ties: lowest id first), so at least
 * one token always survives. `logWeights[i]` is log(weights[i]) ≤ 0.
 *
 * Rather than sorting the whole vocabulary at every step, tokens are first bucketed by
 * log-weight; only the buckets needed to reach the target mass are sorted. Buckets are
 * monotone in the logit, so the sorted part is always a prefix of the full order.
 */
export function nucleus(tokens: WeightedTokens, logits: ArrayLike<number>, logWeights: Float64Array, topP: number): WeightedTokens {
  if (topP >= 1) return tokens;
  const { ids, weights, total } = tokens;
  const target = topP * total;
  const bucketOf = new Uint8Array(ids.length);
  const bucketMass = new Float64Array(BUCKETS + 1);
  for (let i = 0; i < ids.length; i++) {
    const bucket = Math.min(BUCKETS, Math.floor(-(logWeights[i] as number)));
    bucketOf[i] = bucket;
    bucketMass[bucket] = (bucketMass[bucket] as number) + (weights[i] as number);
  }
  let lastBucket = 0;
  for (let mass = bucketMass[0] as number; mass < target && lastBucket < BUCKETS; ) mass += bucketMass[++lastBucket] as number;

  // Bucket sums round differently from the sorted sum below; widen by a bucket if they disagree.
  for (;;) {
    const order: number[] = [];
    for (let i = 0; i < ids.length; i++) if ((bucketOf[i] as number) <= lastBucket) order.push(i);
    order.sort((a, b) => (logits[ids[b] as number] as number) - (logits[ids[a] as number] as number) || (ids[a] as number) - (ids[b] as number));
    let cumulative = 0;
    let size = 0;
    while (size < order.length && cumulative < target) cumulative += weights[order[size++] as number] as number;
    if (cumulative >= target || lastBucket >= BUCKETS) {
      const kept = order.slice(0, Math.max(size, 1)).sort((a, b) => a - b);
      const keptWeights = Float64Array.from(kept, (i) => weights[i] as number);
      return { ids: Int32Array.from(kept, (i) => ids[i] as number), weights: keptWeights, total: keptWeights.reduce((sum, weight) => sum + weight, 0) };
    }
    lastBucket++;
  }
}
