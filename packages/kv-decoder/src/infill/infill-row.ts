import { InputTooLongError, InvalidArgumentError, Rng } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { specialTokenIds } from './infill-decoder.js';
import type { InfillRequest } from './infill-types.js';
import { positionBans, type PositionBans } from './whole-words.js';

/**
 * A validated request as the decoders work on it: `tokens` starts as the request's ids with
 * the mask token at every masked position, and decoders overwrite masked positions as they
 * fill them (and nothing else).
 */
export interface InfillRow {
  readonly tokens: Int32Array;
  /** Ascending masked positions. */
  readonly masked: readonly number[];
  readonly maskedSet: ReadonlySet<number>;
  /** This row's own random stream (sampling and, for diffusion, the unmasking order). */
  readonly rng: Rng;
  /** The ids each position may not take: the special tokens, and the whole-word rule's (see `positionBans`). */
  readonly bans: PositionBans;
  /**
   * Per position, the log-probability of the id chosen there (NaN until chosen): log softmax
   * at temperature 1 over the ids `bans` allowed there, before any temperature, top-k or top-p.
   */
  readonly logProbs: Float64Array;
}

/**
 * The longest sequence every backbone of `model` accepts: the AR model reads BOS plus the
 * first n−1 tokens, the MLM (and diffusion encoder) read n tokens plus any [CLS]/[SEP].
 */
export function modelMaxLength(model: MariaModel): number {
  const { cls, sep } = model.tokenizer.specialTokens;
  const framing = cls !== undefined && sep !== undefined ? 2 : 0;
  const encoders = [model.mlm, ...(model.diffusion ? [model.diffusion] : [])];
  return Math.min(model.ar.info.maxPositions, ...encoders.map((encoder) => encoder.info.maxPositions - framing));
}

/**
 * Checks requests and turns them into rows. Throws `InvalidArgumentError` for an empty
 * sequence, ids outside the vocabulary, and masked positions out of range or repeated, and
 * `InputTooLongError` for a sequence longer than `maxLength` (capped by the model).
 */
export function prepareRows(model: MariaModel, requests: readonly InfillRequest[], seed: number, maxLength?: number, wholeWords = true): InfillRow[] {
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1)) throw new InvalidArgumentError('maxLength', maxLength, 'an integer >= 1');
  const limit = Math.min(maxLength ?? Infinity, modelMaxLength(model));
  const vocab = model.vocabSize;
  const base = new Rng(seed);
  const specialIds = specialTokenIds(model);
  return requests.map((request, number) => {
    const what = requests.length > 1 ? `infill request ${number}` : 'infill request';
    const { ids } = request;
    if (!Array.isArray(ids) || ids.length === 0) throw new InvalidArgumentError(`${what} ids`, ids, 'a non-empty array of token ids');
    if (ids.length > limit) throw new InputTooLongError(what, ids.length, limit);
    const masked = [...request.masked].sort((a, b) => a - b);
    const maskedSet = new Set(masked);
    masked.forEach((position, k) => {
      if (!Number.isInteger(position) || position < 0 || position >= ids.length || masked[k - 1] === position) {
        throw new InvalidArgumentError(`${what} masked`, request.masked, `distinct positions in [0, ${ids.length})`);
      }
    });
    const tokens = Int32Array.from(ids, (id, position) => {
      if (maskedSet.has(position)) return model.maskTokenId;
      if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new InvalidArgumentError(`${what} id at position ${position}`, id, `an integer in [0, ${vocab})`);
      return id;
    });
    const rowSeed = request.seed;
    if (rowSeed !== undefined && !Number.isInteger(rowSeed)) throw new InvalidArgumentError(`${what} seed`, rowSeed, 'an integer');
    const rng = base.split(); // always split, so row k's default stream does not depend on other rows' seeds
    const bans = positionBans(model.tokenizer, vocab, { specialIds, maskTokenId: model.maskTokenId, wholeWords, ...(request.spans ? { spans: request.spans } : {}) });
    const logProbs = new Float64Array(ids.length).fill(Number.NaN);
    return { tokens, masked, maskedSet, rng: rowSeed === undefined ? rng : new Rng(rowSeed), bans, logProbs };
  });
}

/** Rows grouped by sequence length (row numbers in order): one encoder pass serves a group exactly, without padding. */
export function groupByLength(rows: readonly InfillRow[]): number[][] {
  const groups = new Map<number, number[]>();
  rows.forEach((row, number) => {
    const group = groups.get(row.tokens.length);
    if (group) group.push(number);
    else groups.set(row.tokens.length, [number]);
  });
  return [...groups.values()];
}
