import type { MeanLogProbabilityScorer } from '@maria-ts/elo';
import type { ArJudgeModel } from './ar-judge-model.js';
import { textLikelihoods } from './text-log-likelihood.js';

/**
 * The `LikelihoodJudge` scorer backed by a judge AR checkpoint: each text's mean per-token
 * log-probability (natural log) under the judge, computed by teacher forcing. Deterministic.
 */
export function judgeModelScorer(judge: ArJudgeModel, batchSize?: number): MeanLogProbabilityScorer {
  return async (texts, options) => {
    const scored = await textLikelihoods(judge, texts, { ...(batchSize ? { batchSize } : {}), ...(options?.signal ? { signal: options.signal } : {}) });
    return scored.map((score) => -score.nll / score.tokens);
  };
}
