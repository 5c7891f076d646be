import type { Tokenizer } from '@maria-ts/core';

/** The replacement character a byte-level tokenizer decodes an incomplete UTF-8 sequence to. */
const BROKEN = '\uFFFD';

/**
 * One filled word, as the masking layer's word-level parser describes a `[MASK]` marker: the
 * token positions [start, end) it became, and whether a space stood before it (that space
 * belongs to the word, so its first token must carry it).
 */
export interface FillSpan {
  readonly start: number;
  readonly end: number;
  readonly leadingSpace: boolean;
}

/** Which ids may end or start a word, computed once per tokenizer from each id's decoded text. */
interface TokenClasses {
  /** 1 where the id's text does not start with a space (it would glue onto the word before). */
  readonly notWordStart: Uint8Array;
  /** 1 where the id's text holds an incomplete UTF-8 sequence (a lone byte token, or a merge of such bytes). */
  readonly broken: Uint8Array;
  /** Ids whose text starts with an incomplete sequence: the only ones that can complete a fill that ends mid-character. */
  readonly continuations: readonly number[];
}

const classesByTokenizer = new WeakMap<Tokenizer, TokenClasses>();

function tokenClasses(tokenizer: Tokenizer, vocabSize: number): TokenClasses {
  const cached = classesByTokenizer.get(tokenizer);
  if (cached && cached.broken.length === vocabSize) return cached;
  const notWordStart = new Uint8Array(vocabSize);
  const broken = new Uint8Array(vocabSize);
  const continuations: number[] = [];
  for (let id = 0; id < vocabSize; id++) {
    const piece = tokenizer.decode([id]);
    if (!piece.startsWith(' ')) notWordStart[id] = 1;
    if (piece.includes(BROKEN)) broken[id] = 1;
    if (piece.startsWith(BROKEN)) continuations.push(id);
  }
  const classes = { notWordStart, broken, continuations };
  classesByTokenizer.set(tokenizer, classes);
  return classes;
}

/**
 * The ids a position may not take, given the row's current tokens (1 = banned): the special
 * tokens always, and under the whole-word rule the ids that would glue a word onto the one
 * before it or end a fill mid-character. Every decoder asks it at every decision, so the
 * rule holds for every method.
 */
export type PositionBans = (position: number, tokens: Int32Array) => Uint8Array;

/** Options of `positionBans`. */
export interface PositionBansOptions {
  /** Ids no fill may take (the tokenizer's special tokens). */
  readonly specialIds: readonly number[];
  /** The filled words; positions outside them get only the special bans. */
  readonly spans?: readonly FillSpan[];
  /** Apply the whole-word rule (default true). */
  readonly wholeWords?: boolean;
  /** The id of a position not filled yet. */
  readonly maskTokenId: number;
}

/**
 * The whole-word rule (ARCHITECTURE.md §1.6), for the words in `spans`:
 * - the first token of a word that had a space before it starts with a space, so the fill is
 *   a word of its own and never glues onto the previous one ("green [MASK]." never becomes
 *   "greeny.");
 * - the last token of a word never leaves the fill on an incomplete UTF-8 sequence: when the
 *   word's earlier tokens are known and end mid-character, it must complete that character;
 *   otherwise it must be whole characters itself.
 * A rule that would ban every id the model can emit is dropped for that position (the
 * special bans stay), so a tokenizer without such tokens still fills.
 */
export function positionBans(tokenizer: Tokenizer, vocabSize: number, options: PositionBansOptions): PositionBans {
  const special = new Uint8Array(vocabSize);
  for (const id of options.specialIds) if (id >= 0 && id < vocabSize) special[id] = 1;
  const spans = options.wholeWords === false ? [] : (options.spans ?? []);
  if (spans.length === 0) return () => special;
  const classes = tokenClasses(tokenizer, vocabSize);
  const combine = (...masks: Uint8Array[]): Uint8Array => {
    const out = Uint8Array.from(special);
    for (const mask of masks) for (let id = 0; id < vocabSize; id++) out[id] = (out[id] as number) | (mask[id] as number);
    return leavesSomething(out) ? out : special;
  };
  const start = combine(classes.notWordStart);
  const end = combine(classes.broken);
  const startAndEnd = combine(classes.notWordStart, classes.broken);
  const firstOf = new Map<number, FillSpan>();
  const lastOf = new Map<number, FillSpan>();
  for (const span of spans) {
    if (span.end <= span.start) continue;
    if (span.leadingSpace) firstOf.set(span.start, span);
    lastOf.set(span.end - 1, span);
  }
  return (position, tokens) => {
    const first = firstOf.has(position);
    const span = lastOf.get(position);
    if (!span) return first ? start : special;
    if (span.start === position) return first ? startAndEnd : end;
    const prefix = Array.from(tokens.subarray(span.start, position));
    if (prefix.includes(options.maskTokenId)) return end; // earlier tokens not chosen yet (diffusion): whole characters only
    const text = tokenizer.decode(prefix);
    if (!text.endsWith(BROKEN)) return end;
    // The word so far ends mid-character: only a continuation that completes it may end the fill.
    const completing = Uint8Array.from(special, () => 1);
    for (const id of classes.continuations) {
      if (special[id] === 0 && !tokenizer.decode([...prefix, id]).endsWith(BROKEN)) completing[id] = 0;
    }
    return leavesSomething(completing) ? completing : end;
  };
}

function leavesSomething(banned: Uint8Array): boolean {
  return banned.includes(0);
}

/** Whether a decoded fill glues onto the word before it (`leadingSpace` and no leading space) or ends mid-character. */
export function fillBreaksWord(fillText: string, leadingSpace: boolean): { readonly merges: boolean; readonly breaks: boolean } {
  return { merges: leadingSpace && !fillText.startsWith(' '), breaks: fillText.endsWith(BROKEN) };
}
