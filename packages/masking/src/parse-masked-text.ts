import { InvalidArgumentError, type Tokenizer } from '@maria-ts/core';
import { EmptyTextError, MissingMaskMarkerError, MissingMaskTokenError } from './errors.js';

/** Options of `parseMaskedText`. */
export interface ParseMaskedTextOptions {
  /**
   * How many token positions one marker becomes: one number for every marker (default 1),
   * or one number per marker in order. The paper masks whole words by string; a word can
   * span several tokens, and the infiller must know how many to generate, so the count is
   * the caller's choice rather than guessed.
   */
  readonly tokensPerMask?: number | readonly number[];
  /** The marker string; default `'[MASK]'`. It is matched literally, case-sensitively. */
  readonly maskMarker?: string;
  /** The id placed at masked positions; default the tokenizer's special `mask` token. */
  readonly maskTokenId?: number;
}

/** A run of user text, tokenized as-is, occupying token positions [start, end). */
export interface TextSegment {
  readonly kind: 'text';
  /** The exact string that was tokenized (a space given to the following mask is not in it). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** One marker, occupying the masked token positions [start, end). */
export interface MaskSegment {
  readonly kind: 'mask';
  /** 0-based index of the marker in the text. */
  readonly index: number;
  /**
   * True when a space stood right before the marker. That space belongs to the masked
   * word, so the word filled in here should start with a space (as " cat" does in GPT-2's
   * byte-level BPE), and decoding the filled tokens restores it.
   */
  readonly leadingSpace: boolean;
  readonly start: number;
  readonly end: number;
}

export type MaskedTextSegment = TextSegment | MaskSegment;

/** A parsed word-level masked text. */
export interface ParsedMaskedText {
  /** Token ids, with `maskTokenId` at every masked position: the MLM's input x̃. */
  readonly ids: number[];
  /** The masked positions, ascending. */
  readonly masked: number[];
  /** Text and mask segments in order; concatenating the texts and the decoded fills rebuilds the text. */
  readonly segments: MaskedTextSegment[];
  readonly maskTokenId: number;
}

/**
 * Parses user text with word-level mask markers ("The [MASK] sat on the mat.") into token
 * ids and masked positions, as the paper's word-level infilling needs.
 *
 * The rule:
 * - The text is split on the marker. The pieces between markers are tokenized one by one,
 *   without special tokens, so a marker is always a token boundary (a marker inside a word,
 *   "un[MASK]able", splits it).
 * - A single space right before a marker belongs to the masked word, not to the text before
 *   it: "The [MASK] sat" tokenizes as "The" + mask + " sat". Byte-level BPE (GPT-2, OLMo,
 *   ModernBERT) writes a word after a space as one token with the space attached ("Ġcat"),
 *   so the filled word is tokenized like a normal word and filling in " cat" gives exactly
 *   the ids of "The cat sat". Whitespace after a marker stays with the text after it.
 * - Each marker becomes `tokensPerMask` masked positions (default 1; a number per marker is
 *   also accepted). The first of them carries the leading space, if any.
 *
 * Typed errors: an empty or whitespace-only text (`EmptyTextError`), a text without the
 * marker (`MissingMaskMarkerError`), a bad `tokensPerMask`, and no mask token id
 * (`MissingMaskTokenError`).
 */
export function parseMaskedText(text: string, tokenizer: Tokenizer, options: ParseMaskedTextOptions = {}): ParsedMaskedText {
  const marker = options.maskMarker ?? '[MASK]';
  if (typeof marker !== 'string' || marker.length === 0) throw new InvalidArgumentError('maskMarker', marker, 'a non-empty string');
  if (text.trim().length === 0) throw new EmptyTextError(text);
  const pieces = text.split(marker);
  const markerCount = pieces.length - 1;
  if (markerCount === 0) throw new MissingMaskMarkerError(text, marker);
  const tokenCounts = resolveTokensPerMask(options.tokensPerMask ?? 1, markerCount);
  const maskTokenId = options.maskTokenId ?? tokenizer.specialTokens.mask;
  if (maskTokenId === undefined) throw new MissingMaskTokenError('parseMaskedText');
  if (!Number.isInteger(maskTokenId) || maskTokenId < 0) throw new InvalidArgumentError('maskTokenId', maskTokenId, 'a non-negative integer');

  const ids: number[] = [];
  const masked: number[] = [];
  const segments: MaskedTextSegment[] = [];
  const pushText = (piece: string) => {
    if (piece.length === 0) return;
    const start = ids.length;
    ids.push(...tokenizer.encode(piece));
    segments.push({ kind: 'text', text: piece, start, end: ids.length });
  };
  pieces.forEach((piece, index) => {
    if (index === markerCount) {
      pushText(piece);
      return;
    }
    const leadingSpace = piece.endsWith(' ');
    pushText(leadingSpace ? piece.slice(0, -1) : piece);
    const start = ids.length;
    for (let k = 0; k < (tokenCounts[index] as number); k++) {
      masked.push(ids.length);
      ids.push(maskTokenId);
    }
    segments.push({ kind: 'mask', index, leadingSpace, start, end: ids.length });
  });
  return { ids, masked, segments, maskTokenId };
}

/** One positive token count per marker, from a number or a per-marker list. */
function resolveTokensPerMask(tokensPerMask: number | readonly number[], markerCount: number): number[] {
  const counts = typeof tokensPerMask === 'number' ? new Array<number>(markerCount).fill(tokensPerMask) : [...tokensPerMask];
  if (counts.length !== markerCount) {
    throw new InvalidArgumentError('tokensPerMask', tokensPerMask, `one count per marker (${markerCount} markers)`);
  }
  for (const count of counts) {
    if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('tokensPerMask', tokensPerMask, 'integers ≥ 1');
  }
  return counts;
}
