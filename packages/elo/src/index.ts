/**
 * @maria-ts/elo: Bradley–Terry ratings of systems from pairwise battles, computed as
 * Chatbot Arena does (unpenalised MLE, base 10, scale 400, 1000 at the mean), with
 * bootstrap confidence intervals, a balanced seeded fixture scheduler, and pluggable
 * judges that turn texts into scores: an offline likelihood judge and an
 * OpenAI-compatible HTTP judge.
 */
export * from './battle.js';
export type { TieConvention } from './battle-index.js';
export * from './battles-from-scores.js';
export * from './bootstrap.js';
export {
  type BradleyTerryFit,
  type BradleyTerryOptions,
  type RatingAnchor,
  type SeparationPolicy,
  fitBradleyTerry,
} from './bradley-terry.js';
export * from './errors.js';
export * from './fixture-scheduler.js';
export * from './log-likelihood.js';
export * from './percentile.js';
export * from './rating-scale.js';
export * from './simulate-battles.js';
export * from './judges/http-judge.js';
export * from './judges/judge-errors.js';
export * from './judges/likelihood-judge.js';
export * from './judges/parse-score.js';
export * from './judges/rate-limiter.js';
export type { Sleep } from './judges/sleep.js';
