import type { Tokenizer } from '@maria-ts/core';

/** What the stream sends before the first fill. */
export interface InfillTextStart {
  /** The decoded text before the first masked position (an incomplete trailing character held back). */
  readonly text: string;
  /** One preview per masked position, in order: the text of the unmasked tokens after it, up to the next one. */
  readonly pending: string[];
}

/** What one filled token adds to the text. */
export interface InfillTextDelta {
  /** All the text this fill added: `fill`, then the unmasked text after it up to the next masked position. */
  readonly text: string;
  /** The leading part of `text` that the filled token completed ("" while its character is still incomplete). */
  readonly fill: string;
}

/** U+FFFD at the end of a decoded prefix: bytes of a character whose other bytes are not decoded yet. */
const INCOMPLETE_TAIL = /\uFFFD+$/u;

/**
 * The filled text of an infill request as deltas, for streaming. Byte-level tokenizers split
 * characters across tokens (é, 東, 🐱 are 2-4 bytes), so a token decoded on its own is often
 * U+FFFD; instead this decodes the whole sequence up to the decoding frontier (the next
 * position still masked) after every fill, and hands out what was added since last time,
 * holding back a trailing incomplete character until the bytes that finish it arrive. So
 * `start().text` followed by every delta's `text` is the final text. (A tokenizer whose
 * decoding is not prefix-stable, e.g. with clean-up of spaces, may differ slightly; the
 * final `done` body is authoritative.)
 */
export class InfillTextStream {
  private readonly ids: number[];
  private readonly masked: readonly number[];
  private readonly filled = new Set<number>();
  /** Index into `masked` of the first position not filled yet. */
  private nextMasked = 0;
  private sent = '';

  /** `ids` with the mask token at the `masked` positions (ascending). */
  constructor(
    private readonly tokenizer: Tokenizer,
    ids: readonly number[],
    masked: readonly number[],
  ) {
    this.ids = [...ids];
    this.masked = [...masked].sort((a, b) => a - b);
  }

  /** The text before the first masked position, and previews of the text between masked positions. */
  start(): InfillTextStart {
    const pending = this.masked.map((position, order) => this.tokenizer.decode(this.ids.slice(position + 1, this.masked[order + 1] ?? this.ids.length)));
    return { text: this.advanceTo(this.frontier()), pending };
  }

  /** Records the fill of `index` with `id` and returns the text it added (empty while an earlier position is still masked). */
  fill(index: number, id: number): InfillTextDelta {
    this.ids[index] = id;
    this.filled.add(index);
    const frontier = this.frontier();
    if (index >= frontier) return { text: '', fill: '' };
    const fill = this.advanceTo(index + 1);
    return { text: fill + this.advanceTo(frontier), fill };
  }

  /** The first position still masked (the sequence's length once all are filled). */
  private frontier(): number {
    while (this.nextMasked < this.masked.length && this.filled.has(this.masked[this.nextMasked] as number)) this.nextMasked++;
    return this.masked[this.nextMasked] ?? this.ids.length;
  }

  /** Decodes the tokens before `end` and returns the text not sent yet; only the end of the sequence releases an incomplete tail. */
  private advanceTo(end: number): string {
    const decoded = this.tokenizer.decode(this.ids.slice(0, end));
    const stable = end >= this.ids.length ? decoded : decoded.replace(INCOMPLETE_TAIL, '');
    if (stable.length <= this.sent.length) return '';
    const delta = stable.slice(this.sent.length);
    this.sent = stable;
    return delta;
  }
}
