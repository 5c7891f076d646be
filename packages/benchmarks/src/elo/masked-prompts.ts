import { InvalidArgumentError, Rng, type Tokenizer } from '@maria-ts/core';
import { parseMaskedText } from '@maria-ts/masking';

/** One ELO prompt: a real passage with some of its words replaced by `[MASK]`. */
export interface MaskedPrompt {
  /** The passage as read (whitespace collapsed to single spaces). */
  readonly passage: string;
  /** The passage with each masked word replaced by `[MASK]`. */
  readonly maskedText: string;
  /** Token ids of the masked text; masked positions hold the mask token. */
  readonly ids: readonly number[];
  /** Masked token positions, ascending. */
  readonly masked: readonly number[];
  /** `ids` with the true words' tokens at the masked positions: the ground-truth system. */
  readonly truth: readonly number[];
  /** How many words were masked. */
  readonly maskedWords: number;
}

export interface MaskedPromptOptions {
  /** Number of prompts. */
  readonly count: number;
  /** Words per passage (its first `words` words), default 48. */
  readonly words?: number;
  /** Share of the passage's words masked, default 0.5 as in the paper's Figure 4. */
  readonly maskFraction?: number;
  readonly seed?: number;
  /** The id at masked positions (the MLM's `[MASK]`); default the tokenizer's. */
  readonly maskTokenId?: number;
}

const MARKER = '[MASK]';

/**
 * Candidate passages: every paragraph (line) of every document that is not a WikiText
 * heading (`= Title =`) and has at least `words` words, cut to its first `words` words.
 */
export function passagesOf(documents: readonly string[], words: number): string[] {
  const passages: string[] = [];
  for (const document of documents) {
    for (const line of document.split('\n')) {
      const trimmed = line.trim();
      if (trimmed.startsWith('=') || trimmed.includes(MARKER)) continue;
      const tokens = trimmed.split(/\s+/).filter((word) => word.length > 0);
      if (tokens.length >= words) passages.push(tokens.slice(0, words).join(' '));
    }
  }
  return passages;
}

/**
 * Builds the word-level infilling prompts of the ELO benchmark from real text: `count`
 * passages drawn with the seed, and in each a uniformly chosen `maskFraction` of the words
 * replaced by `[MASK]`.
 *
 * How many tokens a mask gets: the true word's token count (the word tokenized with its
 * leading space, as `parseMaskedText` attaches the space to the masked word). Every system
 * then fills exactly the span the ground truth occupies, so no system is favoured or
 * penalised by a length guess; this is an oracle length, and the report says so.
 */
export function buildMaskedPrompts(documents: readonly string[], tokenizer: Tokenizer, options: MaskedPromptOptions): MaskedPrompt[] {
  const { count } = options;
  const words = options.words ?? 48;
  const maskFraction = options.maskFraction ?? 0.5;
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('prompts', count, 'an integer >= 1');
  if (!Number.isInteger(words) || words < 2) throw new InvalidArgumentError('words', words, 'an integer >= 2');
  if (!(maskFraction > 0 && maskFraction < 1)) throw new InvalidArgumentError('mask fraction', maskFraction, 'a number in (0, 1)');
  const passages = passagesOf(documents, words);
  if (passages.length < count) {
    throw new InvalidArgumentError('prompts', count, `at most ${passages.length} (the paragraphs with at least ${words} words in the data)`);
  }
  const rng = new Rng(options.seed ?? 0);
  return rng.shuffle(passages).slice(0, count).map((passage) => {
    const passageWords = passage.split(' ');
    const maskedCount = Math.max(1, Math.round(maskFraction * passageWords.length));
    const chosen = new Set(rng.shuffle(passageWords.map((_, index) => index)).slice(0, maskedCount));
    const maskedText = passageWords.map((word, index) => (chosen.has(index) ? MARKER : word)).join(' ');
    const trueFills = passageWords.flatMap((word, index) => (chosen.has(index) ? [tokenizer.encode(index === 0 ? word : ` ${word}`)] : []));
    const parsed = parseMaskedText(maskedText, tokenizer, {
      tokensPerMask: trueFills.map((fill) => fill.length),
      ...(options.maskTokenId !== undefined ? { maskTokenId: options.maskTokenId } : {}),
    });
    const truth = [...parsed.ids];
    const fillIds = trueFills.flat();
    parsed.masked.forEach((position, k) => (truth[position] = fillIds[k] as number));
    return { passage, maskedText, ids: parsed.ids, masked: parsed.masked, truth, maskedWords: maskedCount };
  });
}
