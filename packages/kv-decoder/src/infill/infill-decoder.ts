import type * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import type { TokenSampler } from '../sampling/sample-token.js';
import type { InfillRow } from './infill-row.js';
import type { InfillMethod, InfillResult } from './infill-types.js';
import { banInPlace, logProbabilityOf } from './log-probability.js';
import { simdGreedyChoice } from './sum-exp-kernel.js';

/** A token a decoder chose: `row` is the row's number in the batch, `index` its position. */
export interface DecodedToken {
  readonly row: number;
  readonly index: number;
  readonly id: number;
}

/** What every decoder gets besides the model and the rows. */
export interface DecoderContext {
  /** Picks a token from a row of logits with a row's `rng` (options already checked). */
  readonly sampler: TokenSampler;
  /** Denoising steps, for `diffusion`. */
  readonly diffusionSteps: number;
}

/**
 * One infilling method behind the shared `infill` / `infillStream` interface.
 *
 * `decode` fills every masked position of every row in place (`row.tokens`) and yields,
 * after each decoder call, the tokens that call chose. It runs synchronously between
 * yields; the driver checks cancellation and streams tokens at each yield, and stops a
 * cancelled decode with `return()`, so a decoder frees its tensors in `finally` blocks.
 */
export interface InfillDecoder {
  readonly method: InfillMethod;
  decode(model: MariaModel, rows: readonly InfillRow[], context: DecoderContext): Generator<DecodedToken[], void, void>;
  /** Extra fields of each result (e.g. which encoder denoised). */
  describe?(model: MariaModel): Partial<Pick<InfillResult, 'encoder'>>;
}

/**
 * Samples one token per decision from a row-major [decisions, vocab] logits buffer, each
 * with its own row's stream, and writes it into the row with its log-probability. Shared by
 * every decoder so they choose tokens identically from identical logits, and so the row's
 * position bans (special tokens, the whole-word rule) hold for every method.
 *
 * The buffer is the caller's own copy and is consumed: each row's banned ids are set to
 * −Infinity in place (no copy of the row per decision).
 */
export function chooseTokens(
  rows: readonly InfillRow[],
  decisions: readonly { readonly row: number; readonly index: number }[],
  logits: Float32Array,
  vocabSize: number,
  sampler: TokenSampler,
): DecodedToken[] {
  return decisions.map((decision, k) => {
    const row = rows[decision.row] as InfillRow;
    const allowed = logits.subarray(k * vocabSize, (k + 1) * vocabSize);
    banInPlace(allowed, row.bans(decision.index, row.tokens));
    // Greedy: one SIMD pass finds the id and another its log-probability (the same values as
    // the sampler and `logProbabilityOf`); a row it refuses goes the checked way, which reports it.
    const greedy = sampler.greedy === true ? simdGreedyChoice(allowed) : undefined;
    const id = greedy ? greedy.id : sampler(allowed, row.rng);
    row.tokens[decision.index] = id;
    row.logProbs[decision.index] = greedy ? greedy.logProb : logProbabilityOf(allowed, id);
    return { row: decision.row, index: decision.index, id };
  });
}

/**
 * The ids no fill may take: the tokenizer's special tokens (BOS/EOS, `[MASK]`, `[PAD]`,
 * CLS/SEP), the model's mask id and the AR's BOS, ascending and without duplicates.
 */
export function specialTokenIds(model: MariaModel): number[] {
  const { bos, eos, mask, pad, cls, sep } = model.tokenizer.specialTokens;
  const ids = [bos, eos, mask, pad, cls, sep, model.maskTokenId, model.ar.bosTokenId].filter((id): id is number => id !== undefined && id < model.vocabSize);
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Reads a logits tensor back to the host and frees it (also when the read fails). */
export function readAndDispose(logits: tf.Tensor): Float32Array {
  try {
    return logits.dataSync() as Float32Array;
  } finally {
    logits.dispose();
  }
}
