import { escapeControlCharacters } from '@maria-ts/core';
import type { InfillCommandResult } from './run-infill.js';

/**
 * The `--json` contract of ARCHITECTURE.md §5.3: `{"text", "tokens", "masked", "filled":
 * [{index, id, piece, logProb}]}`, and with `--n-best` `"nBest": [{"text", "logProb"}]`, best first.
 */
export function infillJson(result: InfillCommandResult): string {
  return JSON.stringify({
    text: result.text,
    tokens: result.tokens,
    masked: result.masked,
    filled: result.filled.map(({ index, id, piece, logProb }) => ({ index, id, piece, logProb })),
    ...(result.nBest ? { nBest: result.nBest.map(({ text, logProb }) => ({ text, logProb })) } : {}),
  });
}

/**
 * True when output to `stream` may use ANSI colour: a terminal, and no `NO_COLOR` (set to
 * anything non-empty, https://no-color.org) in the environment.
 */
export function colorEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

const HIGHLIGHT_ON = '\u001b[1;32m';
const HIGHLIGHT_OFF = '\u001b[0m';

/** One fill, highlighted: bold green on a terminal, `*word*` otherwise; surrounding whitespace stays outside. */
function highlight(fill: string, color: boolean): string {
  const match = /^(\s*)(.*?)(\s*)$/su.exec(fill);
  const [, before = '', word = '', after = ''] = match ?? [];
  if (word === '') return fill;
  return color ? `${before}${HIGHLIGHT_ON}${word}${HIGHLIGHT_OFF}${after}` : `${before}*${word}*${after}`;
}

/**
 * For a person: the filled text with the filled words highlighted, then one line on how
 * it was made (and a note when the MLM stood in for a missing diffusion encoder). Control
 * characters from the model's vocabulary or the model path are shown escaped, so only the
 * highlight's own colour codes reach the terminal.
 */
export function infillText(result: InfillCommandResult, color: boolean): string {
  const shown = (text: string) => escapeControlCharacters(text, { multiline: true });
  const text = result.segments.map((segment) => (segment.kind === 'fill' ? highlight(shown(segment.text), color) : shown(segment.text))).join('');
  const tokens = result.filled.length === 1 ? '1 token' : `${result.filled.length} tokens`;
  const lines = [text, escapeControlCharacters(`filled ${tokens} with ${result.method} · model ${result.modelName} · engine ${result.engine.name}`)];
  if (result.encoder === 'mlm') lines.push('note: this model has no diffusion encoder; the MLM denoised instead');
  if (result.nBest) result.nBest.forEach((fill, k) => lines.push(`${k + 1}. ${escapeControlCharacters(fill.text)}  (log p ${fill.logProb.toFixed(3)})`));
  return `${lines.join('\n')}\n`;
}
