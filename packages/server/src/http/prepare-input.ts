import { MariaError, type Tokenizer } from '@maria-ts/core';
import { drawEvaluationMasks } from '@maria-ts/eval';
import { parseMaskedText, positionsOf, specialIdsOf, type MaskSegment } from '@maria-ts/masking';
import type { InfillRequest } from '../schemas.js';
import { InvalidRequestError, TooMuchWorkError } from './http-error.js';
import type { RequestWork } from './request-work.js';

/** What the model needs to know to check a request's tokens. */
export interface InputLimits {
  readonly tokenizer: Tokenizer;
  readonly maskTokenId: number;
  readonly vocabSize: number;
  /** Most tokens one request may hold. */
  readonly maxTokens: number;
  /** Most work one request may ask for, in decode steps (`request-work.ts`); Infinity for no limit. */
  readonly maxWork: number;
}

/** An infill request as token ids. */
export interface PreparedInfill {
  /** x̃: the ids with the mask token at every masked position. */
  readonly ids: number[];
  readonly masked: number[];
  /** For a text: the `[MASK]` words, so the whole-word rule keeps each fill a word of its own. */
  readonly spans?: readonly MaskSegment[];
}

/**
 * Turns a validated infill body into token ids and masked positions: a text goes through
 * the word-level `[MASK]` parser (`tokensPerMask` tokens per marker), ids are checked
 * against the vocabulary. Everything that can be wrong with the input is reported here as
 * a 400 `InvalidRequestError`, before the request takes a place in the queue.
 */
export function prepareInfill(request: InfillRequest, limits: InputLimits): PreparedInfill {
  let ids: number[];
  let masked: number[];
  let spans: MaskSegment[] | undefined;
  if (request.text !== undefined) {
    try {
      let segments;
      ({ ids, masked, segments } = parseMaskedText(request.text, limits.tokenizer, { tokensPerMask: request.tokensPerMask, maskTokenId: limits.maskTokenId }));
      spans = segments.filter((segment): segment is MaskSegment => segment.kind === 'mask');
    } catch (error) {
      if (MariaError.isInstance(error)) throw new InvalidRequestError(`text: ${error.message}`, [{ path: 'text', message: error.message }]);
      throw error;
    }
  } else {
    ids = [...(request.ids ?? [])];
    masked = [...(request.masked ?? [])].sort((a, b) => a - b);
    const outside = ids.findIndex((id) => id >= limits.vocabSize);
    if (outside >= 0) throw new InvalidRequestError(`ids: id ${ids[outside]} at position ${outside} is outside the vocabulary (size ${limits.vocabSize})`, [{ path: `ids.${outside}`, message: 'outside the vocabulary' }]);
    for (const position of masked) ids[position] = limits.maskTokenId;
  }
  checkLength('text', ids.length, limits.maxTokens);
  return { ids, masked, ...(spans ? { spans } : {}) };
}

/** A text to score: its tokens and the positions to mask and score. */
export interface PreparedScore {
  readonly ids: number[];
  readonly masked: number[];
}

/**
 * Tokenizes a text to score, checks its length, and draws the evaluation mask exactly as
 * `maria-bench ppl` does (eval's `drawEvaluationMasks`: ⌈rate · n⌉ of the n non-special
 * tokens, from the seed), so the server and the benchmark agree on a text's masked PPL.
 */
export function prepareScore(text: string, rate: number, seed: number, limits: InputLimits): PreparedScore {
  const ids = limits.tokenizer.encode(text);
  if (ids.length === 0) throw new InvalidRequestError('text: the text has no tokens', [{ path: 'text', message: 'no tokens' }]);
  checkLength('text', ids.length, limits.maxTokens);
  try {
    const [mask] = drawEvaluationMasks([ids], { rate, seed, specialIds: specialIdsOf(limits.tokenizer.specialTokens) });
    return { ids, masked: positionsOf(mask ?? []) };
  } catch (error) {
    if (MariaError.isInstance(error)) throw new InvalidRequestError(`text: ${error.message}`, [{ path: 'text', message: error.message }]);
    throw error;
  }
}

/** 400 when a request holds more tokens than the server accepts. */
export function checkLength(field: string, tokens: number, maxTokens: number): void {
  if (tokens > maxTokens) {
    throw new InvalidRequestError(`${field}: ${tokens} tokens, more than this server's limit of ${maxTokens}`, [{ path: field, message: `more than ${maxTokens} tokens` }]);
  }
}

/** 422 `TooMuchWork` when a request asks for more work than the server accepts, before it queues. */
export function checkWork(route: string, requested: RequestWork, maxWork: number): void {
  if (requested.work > maxWork) throw new TooMuchWorkError(route, requested, maxWork);
}
