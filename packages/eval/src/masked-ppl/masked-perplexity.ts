import { InputTooLongError, InvalidArgumentError } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { specialIdsOf } from '@maria-ts/masking';
import { arOnlyNll } from './ar-only.js';
import { bannedPositionCount } from './banned-targets.js';
import { diffusionNelbo, requireDiffusion } from './diffusion-nelbo.js';
import { drawEvaluationMasks } from './evaluation-masks.js';
import { mariaExactNll } from './maria-exact.js';
import { pooledPerplexity, type MaskedExamples, type MaskedNll, type MaskedScoreOptions } from './masked-nll.js';
import { mlmArDecodeNll } from './mlm-ar-decode.js';

/** The methods of the masked-perplexity table (paper Table 2), in its row order. */
export const MASKED_PPL_METHODS = ['maria', 'ar', 'mlm', 'diffusion'] as const;
export type MaskedPplMethod = (typeof MASKED_PPL_METHODS)[number];

/** Narrows a user-supplied method name, or throws an error listing the known ones. */
export function parseMaskedPplMethod(name: string): MaskedPplMethod {
  if ((MASKED_PPL_METHODS as readonly string[]).includes(name)) return name as MaskedPplMethod;
  throw new InvalidArgumentError('--methods', name, `a comma-separated subset of ${MASKED_PPL_METHODS.join(', ')}`);
}

/** One cell of the table, the row format of `maria-bench ppl --json` (ARCHITECTURE.md §5.4). */
export interface MaskedPplRow {
  readonly method: MaskedPplMethod;
  readonly rate: number;
  /** exp(Σ NLL / Σ tokens); for `diffusion` the NELBO's exp, an upper bound in expectation. */
  readonly ppl: number;
  /** Masked tokens scored (the same for every method at a rate). */
  readonly tokens: number;
  /** Mean NLL per masked token, nats. */
  readonly nll: number;
  /** Wall-clock seconds this method took at this rate. */
  readonly seconds: number;
  /** K, the Monte Carlo samples of t (diffusion rows only). */
  readonly k?: number;
  /**
   * Positions of the windows never masked because the model bans their id (an AR token its
   * MLM lacks: probability 0, so unscorable); present only when there are any.
   */
  readonly excludedBanned?: number;
}

/** Options of `maskedPerplexityTable`. */
export interface MaskedPplOptions extends Omit<MaskedScoreOptions, 'onProgress'> {
  readonly rates: readonly number[];
  readonly methods: readonly MaskedPplMethod[];
  readonly seed: number;
  /** K for the diffusion NELBO (default 8). */
  readonly diffusionSamples?: number;
  /** How masks are drawn (see `drawEvaluationMasks`); default fixed-count. */
  readonly maskSampler?: 'fixed-count' | 'fixed-rate';
  /** Progress in examples (fractional); the total is examples × rates × methods. */
  readonly onProgress?: (examples: number) => void;
  /** Called after each cell, e.g. to print it. */
  readonly onRow?: (row: MaskedPplRow) => void;
  /** Injected clock (ms), for tests; default `performance.now`. */
  readonly now?: () => number;
  /**
   * Cells scored by an earlier, interrupted run of the same table (same model, windows and
   * seed; the caller checks that): returned as they are, in table order, instead of scored again.
   */
  readonly completed?: readonly MaskedPplRow[];
}

/** Runs one method on one set of masks. */
export function scoreMaskedMethod(model: MariaModel, method: MaskedPplMethod, examples: MaskedExamples, options: MaskedScoreOptions & { samples?: number; seed?: number } = {}): MaskedNll {
  switch (method) {
    case 'maria':
      return mariaExactNll(model, examples, options);
    case 'ar':
      return arOnlyNll(model, examples, options);
    case 'mlm':
      return mlmArDecodeNll(model, examples, options);
    case 'diffusion':
      return diffusionNelbo(model, examples, options);
  }
}

/**
 * The masked-infilling perplexity table: for each rate, masks are drawn once per example
 * (`drawEvaluationMasks`, seeded; special tokens and ids the model bans never masked, the
 * latter counted in each row's `excludedBanned`) and every method is scored
 * on exactly those masks. Checks up front that the windows fit both backbones and that a
 * diffusion encoder exists when asked for, so no work is wasted on a run that must fail.
 */
export function maskedPerplexityTable(model: MariaModel, windows: readonly (readonly number[])[], options: MaskedPplOptions): MaskedPplRow[] {
  if (options.methods.includes('diffusion')) requireDiffusion(model);
  const longest = Math.max(0, ...windows.map((row) => row.length));
  // The AR model reads [BOS, x_0 … x_{T-2}] (T positions); the MLM adds [CLS]/[SEP] when the tokenizer frames.
  const { cls, sep } = model.tokenizer.specialTokens;
  const framing = cls !== undefined && sep !== undefined ? 2 : 0;
  const limit = Math.min(model.ar.info.maxPositions, model.mlm.info.maxPositions - framing, (model.diffusion?.info.maxPositions ?? Infinity) - framing);
  if (longest > limit) throw new InputTooLongError('an evaluation window', longest, limit);
  for (const rate of options.rates) if (!(rate > 0 && rate <= 1)) throw new InvalidArgumentError('--rates', rate, 'rates in (0, 1]');
  const now = options.now ?? (() => performance.now());
  // Ids the model bans (an AR token its MLM lacks) have probability 0: never masked, counted instead.
  const specialIds = [...specialIdsOf(model.tokenizer.specialTokens), ...model.vocabularyMap.banned];
  const excludedBanned = bannedPositionCount(model, windows);
  const rows: MaskedPplRow[] = [];
  const completedRow = (method: MaskedPplMethod, rate: number) => options.completed?.find((row) => row.method === method && row.rate === rate);
  for (const rate of options.rates) {
    let masks: ReturnType<typeof drawEvaluationMasks> | undefined;
    for (const method of options.methods) {
      const earlier = completedRow(method, rate);
      if (earlier) {
        rows.push(earlier);
        options.onProgress?.(windows.length);
        continue;
      }
      masks ??= drawEvaluationMasks(windows, { rate, seed: options.seed, specialIds, ...(options.maskSampler ? { sampler: options.maskSampler } : {}) });
      const started = now();
      const result = scoreMaskedMethod(model, method, { ids: windows, masks }, {
        ...options,
        samples: options.diffusionSamples ?? 8,
        seed: options.seed + 7919,
      });
      const pooled = pooledPerplexity(result);
      const row: MaskedPplRow = {
        method,
        rate,
        ppl: pooled.ppl,
        tokens: pooled.tokens,
        nll: pooled.meanNll,
        seconds: (now() - started) / 1000,
        ...(method === 'diffusion' ? { k: options.diffusionSamples ?? 8 } : {}),
        ...(excludedBanned > 0 ? { excludedBanned } : {}),
      };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return rows;
}
