import { InvalidArgumentError } from '@maria-ts/core';
import type { Battle } from './battle.js';
import { type BattleIndex, type PairTotals, type TieConvention, indexBattles, pairTotals } from './battle-index.js';
import { solvePositiveDefinite } from './cholesky.js';
import { connectedComponents, stronglyConnectedBlocks } from './comparison-graph.js';
import { EloDisconnectedError, EloSeparationError } from './errors.js';
import { INITIAL_RATING, RATING_SCALE } from './rating-scale.js';

const LN10 = Math.log(10);

/**
 * Where the ratings sit. The unpenalised likelihood only sees rating differences, so one
 * degree of freedom must be pinned. `{mean}` (default 1000) is what Chatbot Arena's
 * scikit-learn fit returns: L-BFGS starts at zero and every gradient sums to zero, so
 * its coefficients keep mean zero. `{model, rating}` pins one model instead, as the
 * Arena notebooks do when they fix a reference model's score.
 */
export type RatingAnchor = { readonly mean: number } | { readonly model: string; readonly rating: number };

/**
 * What to do when the MLE is infinite because some block of models never lost (or never
 * won) against the rest: `'error'` throws `EloSeparationError`; `'pseudo-ties'` adds a
 * tiny virtual tie (weight `pseudoTieWeight`) to every pair that met, which makes every
 * gap finite and is otherwise negligible, and flags the fit `separated: true`.
 */
export type SeparationPolicy = 'error' | 'pseudo-ties';

export interface BradleyTerryOptions {
  /** `'half'` (default): a tie is one observation with target 0.5. `'win-each'`: a tie is one win for each side (two observations). */
  readonly ties?: TieConvention;
  readonly anchor?: RatingAnchor;
  /** The models to rate, in this order; by default every model in the battles, sorted. A listed model with no battle is an error. */
  readonly models?: readonly string[];
  /** Default `'error'`; see `SeparationPolicy`. */
  readonly onSeparation?: SeparationPolicy;
  /**
   * Weight of the virtual tie per pair under `'pseudo-ties'`, default 0.01 battles. A model
   * that won all n games against another then ends 400·log10((n + w/2)/(w/2)) points
   * above it: about 1,320 points for n = 10, 1,720 for n = 100.
   */
  readonly pseudoTieWeight?: number;
  /** Newton iterations, default 100 (a well-posed fit needs about 5–10). */
  readonly maxIterations?: number;
  /** Converged once the largest full Newton step is below this many rating points, default 1e-7. */
  readonly tolerance?: number;
}

/** A Bradley–Terry fit: ratings on the Elo scale plus the diagnostics needed to trust them. */
export interface BradleyTerryFit {
  /** Rated models, in coefficient order (sorted by name unless `models` was given). */
  readonly models: readonly string[];
  /** Model → rating, 400·coef + 1000 under the mean anchor. */
  readonly ratings: ReadonlyMap<string, number>;
  /** Natural-log likelihood of the battles at the fit, under the chosen tie convention (pseudo-ties included when `separated`). */
  readonly logLikelihood: number;
  /** Largest |∂ log-likelihood / ∂ coefficient| at the fit: ~0 at a true maximum. */
  readonly maxGradient: number;
  readonly iterations: number;
  /** The Newton step fell below `tolerance` within `maxIterations`. */
  readonly converged: boolean;
  /** Some block of models never lost against the rest; the ratings include pseudo-ties and are not an MLE. */
  readonly separated: boolean;
  readonly battleCount: number;
}

/**
 * Fits the Bradley–Terry model by unpenalised maximum likelihood, as Chatbot Arena's
 * `compute_mle_elo` does: a logistic regression without intercept whose features are
 * +ln 10 for model A and −ln 10 for model B, so P(A wins) = 1 / (1 + 10^(β_B − β_A)) and
 * rating = 400·β + 1000. We solve it with Newton's method in float64 (exact Hessian, a
 * rank-one term that fixes the free shift, backtracking line search), which converges
 * in a few steps to machine precision where the Arena's L-BFGS stops at its tolerance.
 */
export function fitBradleyTerry(battles: readonly Battle[], options: BradleyTerryOptions = {}): BradleyTerryFit {
  if (battles.length === 0) throw new InvalidArgumentError('battles', battles.length, 'at least one battle');
  const ties = options.ties ?? 'half';
  checkTieConvention(ties);
  const index = indexBattles(battles, options.models);
  return fitPairTotals(index, pairTotals(index, ties), battles.length, options);
}

export function checkTieConvention(ties: string): asserts ties is TieConvention {
  if (ties !== 'half' && ties !== 'win-each') throw new InvalidArgumentError('ties', ties, "'half' or 'win-each'");
}

/** The fit on precomputed pair totals; the bootstrap calls this once per resample. */
export function fitPairTotals(index: BattleIndex, totals: PairTotals, battleCount: number, options: BradleyTerryOptions = {}): BradleyTerryFit {
  const modelCount = index.models.length;
  const maxIterations = options.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new InvalidArgumentError('maxIterations', maxIterations, 'a positive integer');
  const tolerance = options.tolerance ?? 1e-7;
  if (!(tolerance > 0)) throw new InvalidArgumentError('tolerance', tolerance, 'a positive number of rating points');
  const stepTolerance = tolerance / RATING_SCALE;
  const separated = checkIdentified(index, totals, options.onSeparation ?? 'error');
  const fitted = separated ? withPseudoTies(totals, options.pseudoTieWeight ?? 0.01) : totals;

  const coefficients = new Float64Array(modelCount);
  let state = evaluate(index, fitted, coefficients, true);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const step = newtonStep(state.gradient, state.hessian, modelCount);
    const slope = dot(state.gradient, step); // directional derivative of the NLL, < 0
    // Backtracking (Armijo) on the negative log-likelihood; the slack absorbs rounding
    // noise once the decrease is below what float64 can resolve.
    const slack = 1e-13 * Math.max(1, Math.abs(state.negativeLogLikelihood));
    let size = 1;
    let trial = addScaled(coefficients, step, size);
    while (evaluate(index, fitted, trial, false).negativeLogLikelihood > state.negativeLogLikelihood + 1e-4 * size * slope + slack && size > 1e-12) {
      size /= 2;
      trial = addScaled(coefficients, step, size);
    }
    coefficients.set(trial);
    state = evaluate(index, fitted, coefficients, true);
    converged = size === 1 && maxAbs(step) < stepTolerance;
  }

  const ratings = anchorRatings(index.models, coefficients, options.anchor ?? { mean: INITIAL_RATING });
  return {
    models: index.models,
    ratings,
    logLikelihood: -state.negativeLogLikelihood,
    maxGradient: maxAbs(state.gradient),
    iterations,
    converged,
    separated,
    battleCount,
  };
}

/** Totals plus a virtual tie of `weight` (half a win each way) on every pair that met. */
function withPseudoTies(totals: PairTotals, weight: number): PairTotals {
  if (!(weight > 0) || !Number.isFinite(weight)) throw new InvalidArgumentError('pseudoTieWeight', weight, 'a finite number > 0');
  const met = (pair: number) => (totals.weight[pair] as number) > 0;
  return {
    weight: totals.weight.map((value, pair) => (met(pair) ? value + weight : value)),
    firstWins: totals.firstWins.map((value, pair) => (met(pair) ? value + weight / 2 : value)),
  };
}

/**
 * Throws `EloDisconnectedError` when some models never met the others, and either throws
 * `EloSeparationError` or returns true (policy `'pseudo-ties'`) when some block never lost.
 */
function checkIdentified(index: BattleIndex, totals: PairTotals, policy: SeparationPolicy): boolean {
  if (policy !== 'error' && policy !== 'pseudo-ties') throw new InvalidArgumentError('onSeparation', policy, "'error' or 'pseudo-ties'");
  const met = { from: [] as number[], to: [] as number[] };
  const beatOrTied = { from: [] as number[], to: [] as number[] };
  for (let pair = 0; pair < index.pairFirst.length; pair++) {
    const weight = totals.weight[pair] as number;
    if (weight <= 0) continue;
    const first = index.pairFirst[pair] as number;
    const second = index.pairSecond[pair] as number;
    const firstWins = totals.firstWins[pair] as number;
    met.from.push(first);
    met.to.push(second);
    if (firstWins > 0) {
      beatOrTied.from.push(first);
      beatOrTied.to.push(second);
    }
    if (weight - firstWins > 0) {
      beatOrTied.from.push(second);
      beatOrTied.to.push(first);
    }
  }
  const names = (group: number[]) => group.map((model) => index.models[model] as string);
  const components = connectedComponents(index.models.length, met);
  if (components.length > 1) throw new EloDisconnectedError(components.map(names));
  const blocks = stronglyConnectedBlocks(index.models.length, beatOrTied);
  if (blocks.length === 1) return false;
  if (policy === 'error') throw new EloSeparationError(blocks.map(names));
  return true;
}

interface Evaluation {
  readonly negativeLogLikelihood: number;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array;
}

/** NLL, its gradient and Hessian with respect to the coefficients (log10-odds units). */
function evaluate(index: BattleIndex, totals: PairTotals, coefficients: Float64Array, withDerivatives: boolean): Evaluation {
  const modelCount = coefficients.length;
  const gradient = new Float64Array(modelCount);
  const hessian = new Float64Array(withDerivatives ? modelCount * modelCount : 0);
  let negativeLogLikelihood = 0;
  for (let pair = 0; pair < index.pairFirst.length; pair++) {
    const weight = totals.weight[pair] as number;
    if (weight === 0) continue;
    const first = index.pairFirst[pair] as number;
    const second = index.pairSecond[pair] as number;
    const wins = totals.firstWins[pair] as number;
    const logit = LN10 * ((coefficients[first] as number) - (coefficients[second] as number));
    // −[s·log σ(d) + (n−s)·log σ(−d)] = s·softplus(−d) + (n−s)·softplus(d)
    negativeLogLikelihood += wins * softplus(-logit) + (weight - wins) * softplus(logit);
    if (!withDerivatives) continue;
    const probability = sigmoid(logit);
    const residual = LN10 * (weight * probability - wins);
    gradient[first] = (gradient[first] as number) + residual;
    gradient[second] = (gradient[second] as number) - residual;
    const curvature = LN10 * LN10 * weight * probability * sigmoid(-logit);
    hessian[first * modelCount + first] = (hessian[first * modelCount + first] as number) + curvature;
    hessian[second * modelCount + second] = (hessian[second * modelCount + second] as number) + curvature;
    hessian[first * modelCount + second] = (hessian[first * modelCount + second] as number) - curvature;
    hessian[second * modelCount + first] = (hessian[second * modelCount + first] as number) - curvature;
  }
  return { negativeLogLikelihood, gradient, hessian };
}

/**
 * Solves (H + c·11ᵀ) δ = −g. H is a weighted graph Laplacian, singular along the all-ones
 * direction (the free shift); the rank-one term with c = trace(H)/n² gives that direction
 * an average eigenvalue, so the system is positive definite when the battles connect all
 * models. Because g sums to zero, δ does too: the step never moves the mean.
 */
function newtonStep(gradient: Float64Array, hessian: Float64Array, modelCount: number): Float64Array {
  let trace = 0;
  for (let model = 0; model < modelCount; model++) trace += hessian[model * modelCount + model] as number;
  const shift = trace / (modelCount * modelCount);
  const system = Float64Array.from(hessian, (value) => value + shift);
  const step = solvePositiveDefinite(system, Float64Array.from(gradient, (value) => -value));
  const mean = step.reduce((sum, value) => sum + value, 0) / modelCount;
  return step.map((value) => value - mean);
}

function anchorRatings(models: readonly string[], coefficients: Float64Array, anchor: RatingAnchor): Map<string, number> {
  let offset: number;
  if ('mean' in anchor) {
    if (!Number.isFinite(anchor.mean)) throw new InvalidArgumentError('anchor.mean', anchor.mean, 'a finite rating');
    const mean = coefficients.reduce((sum, value) => sum + value, 0) / coefficients.length;
    offset = anchor.mean - RATING_SCALE * mean;
  } else {
    const position = models.indexOf(anchor.model);
    if (position < 0) throw new InvalidArgumentError('anchor.model', anchor.model, `one of the rated models (${models.join(', ')})`);
    if (!Number.isFinite(anchor.rating)) throw new InvalidArgumentError('anchor.rating', anchor.rating, 'a finite rating');
    offset = anchor.rating - RATING_SCALE * (coefficients[position] as number);
  }
  return new Map(models.map((model, position) => [model, RATING_SCALE * (coefficients[position] as number) + offset]));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function dot(left: Float64Array, right: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < left.length; k++) sum += (left[k] as number) * (right[k] as number);
  return sum;
}

function maxAbs(values: Float64Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

function addScaled(base: Float64Array, direction: Float64Array, scale: number): Float64Array {
  return base.map((value, k) => value + scale * (direction[k] as number));
}
