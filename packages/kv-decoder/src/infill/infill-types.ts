import type { SamplingOptions } from '../sampling/sampling-options.js';
import type { FillSpan } from './whole-words.js';

/**
 * One sequence to infill: token ids and the positions to fill. The ids at masked positions
 * are ignored (any value, typically the mask token); every other id is kept verbatim.
 */
export interface InfillRequest {
  readonly ids: readonly number[];
  /** Positions to fill, each in [0, ids.length), no duplicates (any order). */
  readonly masked: readonly number[];
  /**
   * Seed of this sequence's own random stream. Each sequence samples from its own stream,
   * so a batch gives the same output as the same requests one by one; without it the
   * stream is split off `InfillOptions.seed` in request order.
   */
  readonly seed?: number;
  /**
   * The words being filled (from the masking layer's `parseMaskedText` segments): the
   * whole-word rule keeps each word's first token from gluing onto the word before it and
   * its last token from ending mid-character (`InfillOptions.wholeWords`).
   */
  readonly spans?: readonly FillSpan[];
}

/** The decoders behind `infill`: MARIA's Algorithm 1 and the three baselines (ARCHITECTURE.md §1.6, §1.7). */
export type InfillMethod = 'maria' | 'mlm' | 'diffusion' | 'ar';

/** A filled position, as the `maria infill --json` contract prints it. */
export interface FilledToken {
  /** Position in the sequence. */
  readonly index: number;
  readonly id: number;
  /** The decoded text of this one token (e.g. " cat"). */
  readonly piece: string;
  /**
   * log p of this id at its position: log softmax at temperature 1 of the method's logits over
   * the ids allowed there (special tokens and the whole-word rule's bans removed), before any
   * temperature, top-k or top-p. For `maria` and `ar`, decoded left to right, the sum over a
   * result's fills is the log-probability of the joint fill under that factorisation.
   */
  readonly logProb: number;
}

/** A token as a stream reports it: which request it belongs to and the decoder call that chose it. */
export interface InfillToken extends FilledToken {
  /** Index of the request in the call's request list. */
  readonly request: number;
  /** 0-based count of the decoding step (shared by the whole batch) that chose the token. */
  readonly step: number;
}

/** The outcome for one request. */
export interface InfillResult {
  /** The request's ids with every masked position filled; the other ids are the request's. */
  readonly ids: number[];
  /** The masked positions, ascending. */
  readonly masked: number[];
  /** One record per masked position, ascending by index. */
  readonly filled: FilledToken[];
  readonly method: InfillMethod;
  /**
   * For `diffusion`: which encoder denoised. `'mlm'` when the model has no MDLM-trained
   * encoder and the plain MLM stood in for it (callers should say so in their output).
   */
  readonly encoder?: 'diffusion' | 'mlm';
}

/** Options shared by every infill method. Sampling options default to plain sampling at T = 1. */
export interface InfillOptions extends SamplingOptions {
  /** Which decoder; default `'maria'` (Algorithm 1). */
  readonly method?: InfillMethod;
  /** Base seed of the random streams (default 0); see `InfillRequest.seed`. */
  readonly seed?: number;
  /**
   * Longest request accepted, in tokens; longer ones throw `InputTooLongError` before any
   * work. Capped by what the backbones support (AR positions, MLM positions with framing).
   */
  readonly maxLength?: number;
  /** Cancels decoding between two steps with an `AbortedError`; every tensor is freed. */
  readonly signal?: AbortSignal;
  /** Called with each filled token as soon as it is chosen. */
  readonly onToken?: (token: InfillToken) => void;
  /**
   * Denoising steps of `diffusion` (default 256). A sequence with fewer masked tokens uses
   * one step per masked token, since a step must unmask at least one.
   */
  readonly diffusionSteps?: number;
  /** Apply the whole-word rule to the requests' `spans` (default true). */
  readonly wholeWords?: boolean;
}
