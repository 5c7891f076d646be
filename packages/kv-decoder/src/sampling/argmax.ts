import { checkLogits } from './check-logits.js';

/**
 * The greedy choice: the id of the largest logit, the lowest id among ties, so greedy
 * decoding is deterministic across engines that break ties differently.
 */
export function argmax(logits: ArrayLike<number>): number {
  checkLogits(logits);
  return argmaxOfChecked(logits);
}

/** `argmax` of logits `checkLogits` already accepted (one pass fewer for callers that checked). */
export function argmaxOfChecked(logits: ArrayLike<number>): number {
  let best = 0;
  let bestValue = logits[0] as number;
  for (let id = 1; id < logits.length; id++) {
    const value = logits[id] as number;
    if (value > bestValue) {
      best = id;
      bestValue = value;
    }
  }
  return best;
}
