import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { fillBreaksWord } from '@maria-ts/kv-decoder';
import type { Maria } from '@maria-ts/maria';

/** Options of `runWholeWords`. */
export interface WholeWordsOptions {
  /** Source lines; each example masks one alphabetic word after a space in one line. */
  readonly lines: readonly string[];
  /** Number of masked texts (each filled once without and once with the rule). */
  readonly n: number;
  readonly seed: number;
  /** Token positions per marker. */
  readonly tokensPerMask: number;
  /** Words of context kept around the masked word on each side. */
  readonly context?: number;
  readonly onExample?: () => void;
}

/** Fills that merged (glued onto the word before) or broke (a fill containing an incomplete character). */
export interface WholeWordsCounts {
  readonly fills: number;
  readonly merges: number;
  readonly breaks: number;
  /** Fills that merged or broke, over all fills. */
  readonly rate: number;
}

export interface WholeWordsReport {
  readonly without: WholeWordsCounts;
  readonly with: WholeWordsCounts;
  readonly settings: { readonly n: number; readonly seed: number; readonly tokensPerMask: number; readonly sampling: string };
  readonly examples: { readonly text: string; readonly without: string; readonly with: string }[];
}

/** One masked text per example: a line, one of its alphabetic words after a space masked, `context` words each side. */
export function maskedExamples(lines: readonly string[], n: number, seed: number, context = 12): string[] {
  const usable = lines.map((line) => line.trim().split(/\s+/)).filter((words) => words.filter((word) => /^[A-Za-z]+$/.test(word)).length >= 2);
  if (usable.length === 0) throw new InvalidArgumentError('--data', `${lines.length} lines`, 'text with lines of at least two alphabetic words');
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const words = usable[rng.int(usable.length)] as string[];
    const candidates = words.map((word, k) => (k > 0 && /^[A-Za-z]+$/.test(word) ? k : -1)).filter((k) => k > 0);
    const k = candidates[rng.int(candidates.length)] as number;
    const from = Math.max(0, k - context);
    return [...words.slice(from, k), '[MASK]', ...words.slice(k + 1, k + 1 + context)].join(' ');
  });
}

function count(fills: readonly string[]): WholeWordsCounts {
  const checks = fills.map((fill) => fillBreaksWord(fill, true));
  const merges = checks.filter((check) => check.merges).length;
  const breaks = fills.filter((fill) => fill.includes('\uFFFD')).length;
  const bad = checks.filter((check, k) => check.merges || (fills[k] as string).includes('\uFFFD')).length;
  return { fills: fills.length, merges, breaks, rate: fills.length > 0 ? bad / fills.length : 0 };
}

/**
 * How often a word fill glues onto the word before it or leaves a broken character, with the
 * whole-word rule off and on: each example is filled twice with the same seed and the CLI's
 * default sampling (top-p 0.9 at temperature 1).
 */
export async function runWholeWords(maria: Maria, options: WholeWordsOptions): Promise<WholeWordsReport> {
  const texts = maskedExamples(options.lines, options.n, options.seed, options.context);
  const without: string[] = [];
  const withRule: string[] = [];
  const examples: WholeWordsReport['examples'] = [];
  for (const [k, text] of texts.entries()) {
    const fill = async (wholeWords: boolean) => (await maria.fill(text, { seed: options.seed + k, topP: 0.9, tokensPerMask: options.tokensPerMask, wholeWords })).fills[0]?.text ?? '';
    const off = await fill(false);
    const on = await fill(true);
    without.push(off);
    withRule.push(on);
    examples.push({ text, without: off, with: on });
    options.onExample?.();
  }
  return { without: count(without), with: count(withRule), settings: { n: options.n, seed: options.seed, tokensPerMask: options.tokensPerMask, sampling: 'top-p 0.9, temperature 1' }, examples };
}
