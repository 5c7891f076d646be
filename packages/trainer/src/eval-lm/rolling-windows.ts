import { InvalidArgumentError } from '@maria-ts/core';

/** One window of a rolling evaluation: `ids` fed to the model, of which the last `scored` are scored. */
export interface ScoringWindow {
  readonly ids: number[];
  /** How many of the window's final tokens count towards the loss (the rest is context only). */
  readonly scored: number;
}

/**
 * Splits a token stream into windows of at most `window` tokens advancing by `stride`, the usual
 * rolling ("sliding window") perplexity evaluation: every token is scored exactly once, and each
 * window but the first keeps `window - stride` earlier tokens as context only. `stride = window`
 * gives non-overlapping windows.
 */
export function rollingWindows(tokens: readonly number[], window: number, stride: number): ScoringWindow[] {
  if (!Number.isInteger(window) || window < 1) throw new InvalidArgumentError('window', window, 'an integer ≥ 1');
  if (!Number.isInteger(stride) || stride < 1 || stride > window) throw new InvalidArgumentError('stride', stride, `an integer in [1, window=${window}]`);
  const windows: ScoringWindow[] = [];
  let scoredUpTo = 0;
  for (let start = 0; scoredUpTo < tokens.length; start += stride) {
    const end = Math.min(start + window, tokens.length);
    windows.push({ ids: tokens.slice(start, end), scored: end - scoredUpTo });
    scoredUpTo = end;
  }
  return windows;
}
