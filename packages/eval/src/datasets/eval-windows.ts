import { InvalidArgumentError, Rng, type Tokenizer } from '@maria-ts/core';

/** One evaluation example: a fixed-length window of a tokenized document. */
export interface EvalWindow {
  /** Token ids of the window (no special tokens added). */
  readonly ids: readonly number[];
  /** Index of the document it comes from, and the token offset of the window in it. */
  readonly document: number;
  readonly offset: number;
}

/** Options of `rollingWindows`. */
export interface RollingWindowOptions {
  /** Tokens per window (default 128). */
  readonly window?: number;
  /**
   * A document's last, shorter window is kept only if it has at least this many tokens
   * (default min(8, window)); so is a document shorter than one window.
   */
  readonly minLength?: number;
}

/**
 * Cuts tokenized documents into consecutive, non-overlapping windows of `window` tokens
 * (the rolling evaluation of long texts: every token is scored once, and the NLL summed over
 * windows). Windows never cross a document boundary; a final remainder shorter than
 * `minLength` is dropped.
 */
export function rollingWindows(documents: readonly (readonly number[])[], options: RollingWindowOptions = {}): EvalWindow[] {
  const window = options.window ?? 128;
  if (!Number.isInteger(window) || window < 1) throw new InvalidArgumentError('window', window, 'an integer ≥ 1');
  const minLength = options.minLength ?? Math.min(8, window);
  if (!Number.isInteger(minLength) || minLength < 1 || minLength > window) throw new InvalidArgumentError('minLength', minLength, `an integer in [1, ${window}]`);
  const windows: EvalWindow[] = [];
  documents.forEach((ids, document) => {
    for (let offset = 0; offset < ids.length; offset += window) {
      const slice = ids.slice(offset, offset + window);
      if (slice.length >= minLength) windows.push({ ids: slice, document, offset });
    }
  });
  return windows;
}

/**
 * `n` items drawn uniformly without replacement with a seeded `Rng`, in their original order
 * (all of them when there are at most `n`). The same seed and input give the same subset.
 */
export function subsample<T>(items: readonly T[], n: number, rng: Rng): T[] {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('n', n, 'an integer ≥ 1');
  if (items.length <= n) return [...items];
  const order = items.map((_, index) => index);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(order.length - i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((index) => items[index] as T);
}

/** Options of `buildEvalSet`. */
export interface EvalSetOptions extends RollingWindowOptions {
  /** Examples to keep (default 500, the paper's count). */
  readonly n?: number;
  readonly seed?: number;
}

/**
 * The evaluation set of `maria-bench ppl`: documents tokenized with the model's tokenizer,
 * cut into rolling windows, and `n` windows subsampled with `seed`.
 */
export function buildEvalSet(documents: readonly string[], tokenizer: Tokenizer, options: EvalSetOptions = {}): EvalWindow[] {
  const windows = rollingWindows(documents.map((text) => tokenizer.encode(text)), options);
  return subsample(windows, options.n ?? 500, new Rng(options.seed ?? 0));
}
