import { InvalidArgumentError, type Judge, type JudgeOptions, AbortedError } from '@maria-ts/core';

/**
 * Mean per-token log-probability of each text under the judge's AR model. Supplied by
 * the caller (e.g. a backbone's scoring pass) so that this package stays free of models.
 */
export type MeanLogProbabilityScorer = (texts: readonly string[], options?: JudgeOptions) => Promise<number[]>;

export interface LikelihoodJudgeOptions {
  readonly scorer: MeanLogProbabilityScorer;
  /** The judge model's name, shown as `likelihood:<model>`. */
  readonly model: string;
  /** Texts per scorer call, default all at once; smaller batches bound memory and let an abort land between them. */
  readonly batchSize?: number;
}

/**
 * The offline, deterministic default judge (ARCHITECTURE.md §1.9): a text's score is its mean
 * log-likelihood under a stronger AR model than the one being judged. Higher is better,
 * so fluent, on-distribution text wins battles. Deterministic whenever the scorer is.
 */
export class LikelihoodJudge implements Judge {
  readonly name: string;
  private readonly scorer: MeanLogProbabilityScorer;
  private readonly batchSize: number;

  constructor(options: LikelihoodJudgeOptions) {
    if (typeof options.scorer !== 'function') throw new InvalidArgumentError('scorer', options.scorer, 'a function (texts) => Promise<number[]>');
    if (!options.model) throw new InvalidArgumentError('model', options.model, 'the judge model name');
    const batchSize = options.batchSize ?? Infinity;
    if (!(batchSize >= 1) || (batchSize !== Infinity && !Number.isInteger(batchSize))) {
      throw new InvalidArgumentError('batchSize', batchSize, 'a positive integer');
    }
    this.name = `likelihood:${options.model}`;
    this.scorer = options.scorer;
    this.batchSize = batchSize;
  }

  async score(texts: readonly string[], options: JudgeOptions = {}): Promise<number[]> {
    const scores: number[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      if (options.signal?.aborted) throw new AbortedError('likelihood judge');
      const batch = texts.slice(start, start + this.batchSize);
      const batchScores = await this.scorer(batch, options);
      if (!Array.isArray(batchScores) || batchScores.length !== batch.length) {
        throw new InvalidArgumentError(`${this.name} scorer output length`, Array.isArray(batchScores) ? batchScores.length : batchScores, `${batch.length} scores, one per text`);
      }
      batchScores.forEach((score, offset) => {
        if (!Number.isFinite(score)) throw new InvalidArgumentError(`${this.name} score of text ${start + offset}`, score, 'a finite mean log-probability');
      });
      scores.push(...batchScores);
    }
    return scores;
  }
}
