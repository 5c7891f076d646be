import { InvalidArgumentError } from '@maria-ts/core';
import type { Battle } from './battle.js';

/** Judge scores of two systems' outputs for the same prompt. */
export interface ScoredFixture {
  readonly a: string;
  readonly b: string;
  readonly scoreA: number;
  readonly scoreB: number;
}

export interface BattlesFromScoresOptions {
  /** Scores closer than this are a tie, default 0 (only equal scores tie). */
  readonly tieTolerance?: number;
}

/**
 * Turns per-text judge scores into battles: the higher score wins, equal scores (within
 * `tieTolerance`) tie. Judges score texts one at a time (a likelihood, or a 1–10 grade),
 * and this is the step that makes those absolute scores pairwise evidence for the
 * Bradley–Terry fit. NaN or infinite scores are rejected rather than silently losing.
 */
export function battlesFromScores(scored: readonly ScoredFixture[], options: BattlesFromScoresOptions = {}): Battle[] {
  const tolerance = options.tieTolerance ?? 0;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw new InvalidArgumentError('tieTolerance', tolerance, 'a finite number ≥ 0');
  return scored.map((fixture, index) => {
    if (!Number.isFinite(fixture.scoreA) || !Number.isFinite(fixture.scoreB)) {
      throw new InvalidArgumentError(`scored[${index}] scores`, [fixture.scoreA, fixture.scoreB], 'finite numbers');
    }
    const margin = fixture.scoreA - fixture.scoreB;
    const outcome = Math.abs(margin) <= tolerance ? 'tie' : margin > 0 ? 'a' : 'b';
    return { a: fixture.a, b: fixture.b, outcome };
  });
}
