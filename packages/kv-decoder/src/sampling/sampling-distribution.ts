import { argmaxOfChecked } from './argmax.js';
import { checkLogits } from './check-logits.js';
import { nucleus, type WeightedTokens } from './nucleus.js';
import { resolveSamplingOptions, type ResolvedSamplingOptions, type SamplingOptions } from './sampling-options.js';
import { topKCandidates } from './top-k.js';

/** The distribution a sampling step draws from: the surviving ids, ascending, and their probabilities. */
export interface TokenDistribution {
  readonly ids: Int32Array;
  /** Aligned with `ids`, summing to 1. Tokens whose probability underflows to 0 are left out. */
  readonly probabilities: Float64Array;
}

/**
 * The weighted tokens one sampling step chooses from, after temperature, top-k and top-p.
 * Weights are exp((logit − max) / T) in float64 (the log-sum-exp shift, so no logit
 * overflows), over ascending ids. Options must already be resolved; greedy (T = 0) is the
 * argmax with weight 1.
 */
export function filteredTokens(logits: ArrayLike<number>, options: ResolvedSamplingOptions): WeightedTokens {
  checkLogits(logits);
  const { temperature, topK, topP } = options;
  if (temperature === 0) return { ids: Int32Array.of(argmaxOfChecked(logits)), weights: Float64Array.of(1), total: 1 };

  let candidates = finiteIds(logits);
  if (topK !== undefined) candidates = topKCandidates(logits, candidates, topK);

  const count = candidates.length;
  let max = -Infinity;
  for (let index = 0; index < count; index++) {
    const value = logits[candidates[index] as number] as number;
    if (value > max) max = value;
  }
  const logWeights = new Float64Array(count);
  const weights = new Float64Array(count);
  let total = 0;
  for (let index = 0; index < count; index++) {
    const logWeight = ((logits[candidates[index] as number] as number) - max) / temperature;
    const weight = Math.exp(logWeight);
    logWeights[index] = logWeight;
    weights[index] = weight;
    total += weight;
  }
  return nucleus({ ids: candidates, weights, total }, logits, logWeights, topP);
}

/**
 * The exact distribution `sampleToken` draws from for these logits and options; useful to
 * report the probability of a choice, to score, and to test the sampler.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions = {}): TokenDistribution {
  const { ids, weights, total } = filteredTokens(logits, resolveSamplingOptions(options));
  const kept: number[] = [];
  weights.forEach((weight, index) => {
    if (weight > 0) kept.push(index);
  });
  return {
    ids: Int32Array.from(kept, (index) => ids[index] as number),
    probabilities: Float64Array.from(kept, (index) => (weights[index] as number) / total),
  };
}

/** Ids of the finite logits, ascending (-Infinity bans a token). */
function finiteIds(logits: ArrayLike<number>): Int32Array {
  const ids = new Int32Array(logits.length);
  let count = 0;
  for (let id = 0; id < logits.length; id++) if ((logits[id] as number) !== -Infinity) ids[count++] = id;
  return count === logits.length ? ids : ids.slice(0, count);
}
