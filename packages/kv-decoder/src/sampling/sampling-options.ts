import { InvalidArgumentError } from '@maria-ts/core';

/**
 * How a token is chosen from a row of logits. The filters compose in the common order:
 * divide by `temperature`, keep the `topK` most likely tokens, then keep the nucleus of
 * cumulative probability `topP`, and sample from what is left, renormalised.
 *
 * `{}` is plain sampling at temperature 1; `{ temperature: 0 }` is greedy decoding.
 */
export interface SamplingOptions {
  /** ≥ 0, default 1. 0 means greedy (argmax, ties to the lowest id); it ignores topK/topP and draws no random number. */
  readonly temperature?: number;
  /** Integer ≥ 1; keep only the k most likely tokens (ties broken towards the lowest id). Unset: no limit. */
  readonly topK?: number;
  /** In (0, 1], default 1; keep the smallest most-likely set whose probability reaches topP (at least one token). */
  readonly topP?: number;
}

/** `SamplingOptions` with defaults filled in and every value checked. */
export interface ResolvedSamplingOptions {
  readonly temperature: number;
  readonly topK: number | undefined;
  readonly topP: number;
}

/** Greedy decoding: always the most likely token. */
export const greedySampling: SamplingOptions = Object.freeze({ temperature: 0 });

/**
 * Checks sampling options once, up front, so a bad flag fails with a typed
 * `InvalidArgumentError` naming the value instead of producing NaN probabilities later.
 */
export function resolveSamplingOptions(options: SamplingOptions = {}): ResolvedSamplingOptions {
  const temperature = options.temperature ?? 1;
  const topP = options.topP ?? 1;
  const { topK } = options;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError('temperature', temperature, 'a finite number ≥ 0 (0 means greedy)');
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new InvalidArgumentError('topK', topK, 'an integer ≥ 1');
  }
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError('topP', topP, 'a number in (0, 1]');
  }
  return { temperature, topK, topP };
}
