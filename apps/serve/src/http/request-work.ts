/**
 * How much model work a request asks for, in decode steps: the unit of `--max-work`. A decode
 * step is one token decoded on its own (one KV-cached decoder call and a draw from the
 * vocabulary); a token read in a full pass (the MLM pass over x̃, the AR model reading a
 * run of known tokens) costs about a quarter of one: on model-tiny with wasm, 2026-12-06,
 * a step took ~15 ms and a token of a pass ~2.4 ms at 1,024 tokens. The formulas follow the
 * decoders: Algorithm 1 makes one MLM pass over the n tokens, reads them once with the AR
 * model and decodes each masked position; annealed generation samples `length` tokens one
 * by one, then every iteration runs Algorithm 1 on ⌈remask · length⌉ positions.
 */

/** What a token of a full pass costs, in decode steps. */
export const PASS_TOKEN_WEIGHT = 0.25;

/** A request's work and where it comes from (the numbers a refusal reports). */
export interface RequestWork {
  /** Decode steps in all: `decodeSteps + ⌈PASS_TOKEN_WEIGHT · passTokens⌉`. */
  readonly work: number;
  /** Tokens decoded one at a time. */
  readonly decodeSteps: number;
  /** Tokens read in full passes (MLM, and the AR model's reads of known tokens). */
  readonly passTokens: number;
}

function requestWork(decodeSteps: number, passTokens: number): RequestWork {
  return { work: decodeSteps + Math.ceil(PASS_TOKEN_WEIGHT * passTokens), decodeSteps, passTokens };
}

/** Infilling `masked` of `tokens` positions with Algorithm 1 (one MLM pass, one AR read, a step per masked position). */
export function infillWork(tokens: number, masked: number): RequestWork {
  return requestWork(masked, 2 * tokens);
}

/** Annealed generation: `length` AR steps, then per iteration Algorithm 1 on ⌈remask · length⌉ of the `length` positions. */
export function generateWork(length: number, iterations: number, remask: number): RequestWork {
  const remasked = Math.min(length, Math.ceil(remask * length));
  return requestWork(length + iterations * remasked, iterations * 2 * length);
}

/** Exact masked perplexity: one AR pass and one MLM pass over the text, no decoding. */
export function scoreWork(tokens: number): RequestWork {
  return requestWork(0, 2 * tokens);
}
