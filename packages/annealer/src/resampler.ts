import type { Rng } from '@maria-ts/core';

/** One resampling request of the annealer: redraw `positions` of `ids` at `temperature`. */
export interface ResampleRequest {
  /** The current sequence (no BOS); the resampler must not mutate it. */
  readonly ids: readonly number[];
  /** Positions to redraw, ascending and distinct; every other position must come back unchanged. */
  readonly positions: readonly number[];
  /** ≥ 0; 0 means greedy. */
  readonly temperature: number;
  /** The annealer's stream; a resampler draws all its randomness from it so a seed fixes the run. */
  readonly rng: Rng;
  readonly signal?: AbortSignal;
}

/**
 * What the annealer needs from an infiller: a new sequence equal to `ids` except at
 * `positions`, which are redrawn given everything else. With MARIA this is Algorithm 1 from
 * `@maria-ts/kv-decoder` (one MLM pass on the re-masked sequence, then KV-cached AR
 * decoding); any infiller honouring the contract works, so the loop is tested with fakes
 * and can anneal with a baseline too. `anneal` checks the contract on every call.
 */
export type Resampler = (request: ResampleRequest) => Promise<number[]>;
