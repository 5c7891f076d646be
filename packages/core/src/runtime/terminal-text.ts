/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts a sequence that
 * can recolour, retitle or clear the screen; CR overwrites the line), DEL, C1 controls (U+009B
 * is a one-byte CSI on many terminals), the line and paragraph separators, and the bidi
 * controls that reorder what follows (U+202E makes `gnp.exe` read `exe.png`).
 */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const hex = (char: string, width: number) => (char.codePointAt(0) ?? 0).toString(16).padStart(width, '0');

/**
 * `text` with every terminal-unsafe character written as a visible escape (`\x1b`, `\x9b`,
 * `\u202e`), so a message that quotes a file (a crafted tokenizer.json, a path) cannot drive
 * the user's terminal. Newlines are escaped too (a message is one line), unless `multiline`
 * keeps line feeds and tabs, for text shown as text (a model's output).
 */
export function escapeControlCharacters(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(TERMINAL_UNSAFE, (char) => {
    if (options.multiline && (char === '\n' || char === '\t')) return char;
    return char.length === 1 && char.charCodeAt(0) < 0x100 ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`;
  });
}

/**
 * `JSON.stringify(value)` with the unsafe characters it leaves raw (DEL, C1, bidi controls,
 * U+2028/U+2029) written as `\uXXXX` escapes: still JSON, and it parses back to the same
 * value, but printing it to a terminal shows them instead of obeying them.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (char) => `\\u${hex(char, 4)}`);
}
