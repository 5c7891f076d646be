/**
 * @maria-ts/elo: Bradley–Terry ratings of systems from pairwise battles, computed as
 * Chatbot Arena does (unpenalised MLE, base 10, scale 400, 1000 at the mean), with
 * bootstrap confidence intervals, a balanced seeded fixture scheduler, and pluggable
 * judges that turn texts into scores: an offline likelihood judge and an
 * OpenAI-compatible HTTP judge.
 */
export { type Battle, type BattleOutcome, swapSides, validateBattles } from './battle.js';
export type { TieConvention } from './battle-index.js';
export { battlesFromScores, type BattlesFromScoresOptions, type ScoredFixture } from './battles-from-scores.js';
export { type BootstrapOptions, bootstrapRatings, type BootstrapResult, type RatingInterval } from './bootstrap.js';
export {
  type BradleyTerryFit,
  type BradleyTerryOptions,
  type RatingAnchor,
  type SeparationPolicy,
  fitBradleyTerry,
} from './bradley-terry.js';
export { EloDisconnectedError, EloSeparationError } from './errors.js';
export { type Fixture, type FixtureScheduleOptions, scheduleFixtures } from './fixture-scheduler.js';
export { battleLogLikelihood } from './log-likelihood.js';
export { percentile } from './percentile.js';
export { coefficientToRating, INITIAL_RATING, RATING_BASE, RATING_SCALE, winProbability } from './rating-scale.js';
export { simulateBattles } from './simulate-battles.js';
export { chatCompletionsUrl, DEFAULT_JUDGE_INSTRUCTION, HttpJudge, type HttpJudgeOptions, JUDGE_ENVIRONMENT } from './judges/http-judge.js';
export { JudgeConfigurationError, JudgeHttpError, JudgeReplyError } from './judges/judge-errors.js';
export { LikelihoodJudge, type LikelihoodJudgeOptions, type MeanLogProbabilityScorer } from './judges/likelihood-judge.js';
export { parseJudgeScore, type ScoreRange } from './judges/parse-score.js';
export { RateLimiter } from './judges/rate-limiter.js';
export type { Sleep } from './judges/sleep.js';
