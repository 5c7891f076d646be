import path from 'node:path';
import { InvalidArgumentError, type Judge } from '@maria-ts/core';
import { HttpJudge, JUDGE_ENVIRONMENT, LikelihoodJudge } from '@maria-ts/elo';
import type { MariaModel } from '@maria-ts/fusion-head';
import { assertJudgeIsNotBackbone, loadArJudgeModel } from '../judge-model/ar-judge-model.js';
import { judgeModelScorer } from '../judge-model/likelihood-scorer.js';

export interface EloJudgeChoice {
  /** An AR checkpoint directory: the offline `LikelihoodJudge`. */
  readonly judgeDir?: string;
  /** An OpenAI-compatible endpoint: the `HttpJudge` (model and key from flags or environment). */
  readonly judgeUrl?: string;
  readonly judgeModel?: string;
  readonly requestsPerMinute?: number;
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** A judge and what to free after it. */
export interface EloJudge {
  readonly judge: Judge;
  /** Where the judge came from, for the report. */
  readonly source: string;
  dispose(): void;
}

/**
 * Picks the ELO judge from the flags: `--judge DIR` is the offline likelihood judge (an AR
 * checkpoint that must not be the model's own AR backbone); `--judge-url` (or
 * `$MARIA_JUDGE_URL`) is the HTTP judge. Exactly one must be given.
 */
export async function createEloJudge(choice: EloJudgeChoice, model: MariaModel): Promise<EloJudge> {
  const environment = choice.environment ?? process.env;
  const url = choice.judgeUrl ?? environment[JUDGE_ENVIRONMENT.url];
  if (choice.judgeDir && choice.judgeUrl) throw new InvalidArgumentError('--judge', choice.judgeDir, 'either --judge DIR or --judge-url URL, not both');
  if (choice.judgeDir) {
    const judgeModel = await loadArJudgeModel(choice.judgeDir, model.tokenizer);
    try {
      assertJudgeIsNotBackbone(judgeModel, model.ar);
    } catch (error) {
      judgeModel.backbone.dispose();
      throw error;
    }
    return {
      judge: new LikelihoodJudge({ model: path.basename(path.resolve(choice.judgeDir)), scorer: judgeModelScorer(judgeModel) }),
      source: path.resolve(choice.judgeDir),
      dispose: () => judgeModel.backbone.dispose(),
    };
  }
  if (url) {
    const judge = new HttpJudge({
      url,
      environment,
      ...(choice.judgeModel ? { model: choice.judgeModel } : {}),
      ...(choice.requestsPerMinute ? { requestsPerMinute: choice.requestsPerMinute } : {}),
    });
    return { judge, source: url, dispose: () => undefined };
  }
  throw new InvalidArgumentError(
    '--judge',
    undefined,
    "an AR checkpoint directory (a separately trained, larger or longer-trained judge, never the model's own AR backbone), or --judge-url URL with --judge-model NAME",
  );
}
