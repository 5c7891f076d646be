/**
 * How much model work a request asks for, in decode steps: the unit of `--max-work`. A decode
 * step is one token decoded on its own (one KV-cached decoder call and a draw from the
 * vocabulary) at the start of a sequence; a step at position p attends to p earlier tokens
 * and weighs 1 + p / CONTEXT_SCALE; a token read in a full pass (the MLM pass over x̃, the AR
 * model reading a run of known tokens) weighs a quarter step. Both weights were measured on
 * model-tiny, 2026-12-06, on the busy 2-core dev machine: a token of a pass ~2.4 ms against
 * ~15 ms a step (wasm); 20 ms a step near position 100 against 26 ms near position 500
 * (tensorflow-cpu). The formulas follow the decoders: Algorithm 1 makes one MLM pass over the
 * n tokens, reads them once with the AR model and decodes each masked position; annealed
 * generation samples `length` tokens one by one, then every iteration runs Algorithm 1 on
 * ⌈remask · length⌉ positions (drawn anywhere: counted at the middle of the sequence).
 */

/** What a token of a full pass costs, in decode steps. */
export const PASS_TOKEN_WEIGHT = 0.25;

/** A decode step at position p weighs 1 + p / CONTEXT_SCALE. */
export const CONTEXT_SCALE = 1250;

/** A request's work and where it comes from (the numbers a refusal reports). */
export interface RequestWork {
  /** Decode steps in all: the weighted decode steps plus `PASS_TOKEN_WEIGHT · passTokens`, rounded up. */
  readonly work: number;
  /** Tokens decoded one at a time. */
  readonly decodeSteps: number;
  /** Tokens read in full passes (MLM, and the AR model's reads of known tokens). */
  readonly passTokens: number;
}

/** Summed weight of `count` decode steps at positions `first`, `first + 1`, …: count · (1 + mean position / CONTEXT_SCALE). */
function stepsFrom(first: number, count: number): number {
  return count * (1 + (first + (count - 1) / 2) / CONTEXT_SCALE);
}

function requestWork(decodeSteps: number, weightedSteps: number, passTokens: number): RequestWork {
  return { work: Math.ceil(weightedSteps + PASS_TOKEN_WEIGHT * passTokens), decodeSteps, passTokens };
}

/** Infilling the `masked` positions of `tokens` tokens with Algorithm 1 (one MLM pass, one AR read, a step per masked position). */
export function infillWork(tokens: number, masked: readonly number[]): RequestWork {
  const weighted = masked.reduce((sum, position) => sum + 1 + position / CONTEXT_SCALE, 0);
  return requestWork(masked.length, weighted, 2 * tokens);
}

/** Annealed generation: `length` AR steps, then per iteration Algorithm 1 on ⌈remask · length⌉ of the `length` positions. */
export function generateWork(length: number, iterations: number, remask: number): RequestWork {
  const remasked = Math.min(length, Math.ceil(remask * length));
  const perIteration = remasked * (1 + (length - 1) / 2 / CONTEXT_SCALE);
  return requestWork(length + iterations * remasked, stepsFrom(0, length) + iterations * perIteration, iterations * 2 * length);
}

/** Exact masked perplexity: one AR pass and one MLM pass over the text, no decoding. */
export function scoreWork(tokens: number): RequestWork {
  return requestWork(0, 0, 2 * tokens);
}
