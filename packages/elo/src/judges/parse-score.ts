import { JudgeReplyError } from './judge-errors.js';

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
/** "Score: 7", "**Rating:** 8/10", "score of 6", "Grade = 9.5". */
const LABELLED = new RegExp(String.raw`\b(?:score|rating|grade)\b[^0-9a-z+-]{0,12}(?:(?:is|of)\s*)?[^0-9a-z+-]{0,6}(${NUMBER})`, 'i');
/** "7/10", "7 / 10", "8 out of 10". */
const OUT_OF_TEN = new RegExp(String.raw`(${NUMBER})\s*(?:\/|out\s+of)\s*10(?![\d.])`, 'i');
const FIRST_NUMBER = new RegExp(`(${NUMBER})`);
/** Phrases naming the scale itself, whose numbers are not the score: "1 to 10", "1-10", "(1–10)". */
const SCALE_PHRASE = /\b(?:from\s+)?1\s*(?:-|–|—|to)\s*10\b/gi;
const SCORE_KEY = /^(?:score|rating|grade)$/i;

export interface ScoreRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Reads a numeric score from a chat judge's free-text reply. Models rarely answer with
 * just the number, so we try, in order: a JSON object with a `score`/`rating`/`grade`
 * field; a labelled number ("Score: 7/10", "rating of 8"); "N/10" or "N out of 10"; and
 * finally the first number once phrases naming the scale ("on a scale of 1 to 10") are
 * removed (before every pattern but JSON, so "Rating (1-10): 7" reads 7). The score must lie in `range` (default 1–10); anything else throws
 * `JudgeReplyError` with the reply in its message.
 */
export function parseJudgeScore(reply: string, range: ScoreRange = { min: 1, max: 10 }): number {
  const text = reply.trim();
  if (text.length === 0) throw new JudgeReplyError(reply, 'the reply is empty');
  const withoutScale = text.replace(SCALE_PHRASE, ' ');
  const found = fromJson(text) ?? matchNumber(LABELLED, withoutScale) ?? matchNumber(OUT_OF_TEN, withoutScale) ?? matchNumber(FIRST_NUMBER, withoutScale);
  if (found === undefined) throw new JudgeReplyError(reply, 'it contains no number');
  if (!(found >= range.min && found <= range.max)) throw new JudgeReplyError(reply, `the score ${found} is outside ${range.min}–${range.max}`);
  return found;
}

/** The number captured by the pattern's first group, if it matches. */
function matchNumber(pattern: RegExp, text: string): number | undefined {
  const captured = pattern.exec(text)?.[1];
  return captured === undefined ? undefined : Number(captured);
}

/** The score field of the outermost `{...}` in the text, if that parses as JSON. */
function fromJson(text: string): number | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  return scoreField(parsed, 2);
}

function scoreField(value: unknown, depth: number): number | undefined {
  if (typeof value !== 'object' || value === null || depth < 0) return undefined;
  for (const [key, field] of Object.entries(value)) {
    if (!SCORE_KEY.test(key)) continue;
    if (typeof field === 'number' && Number.isFinite(field)) return field;
    if (typeof field === 'string' && field.trim() !== '' && Number.isFinite(Number(field))) return Number(field);
  }
  for (const field of Object.values(value)) {
    const nested = scoreField(field, depth - 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}
