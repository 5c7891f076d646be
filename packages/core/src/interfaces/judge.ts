/** Options every judge call accepts. */
export interface JudgeOptions {
  readonly signal?: AbortSignal;
}

/**
 * Scores texts for the ELO benchmark (ARCHITECTURE.md §1.9). Higher is better. Judges are
 * pluggable: an offline likelihood judge by default, an OpenAI-compatible HTTP judge for
 * users who have one. A judge must be deterministic for the same inputs where it can be.
 */
export interface Judge {
  /** Shown in reports, e.g. `'likelihood:tiny-ar-judge'` or `'http:gpt-4o-mini'`. */
  readonly name: string;
  /** One score per text, in order. */
  score(texts: readonly string[], options?: JudgeOptions): Promise<number[]>;
}
