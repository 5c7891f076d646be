import { InvalidArgumentError } from '@maria-ts/core';

/** What a one-number flag accepts: an integer or any finite number, within optional inclusive bounds. */
export interface NumberOptionBounds {
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;

function expectation(bounds: NumberOptionBounds): string {
  const kind = bounds.integer ? 'an integer' : 'a number';
  if (bounds.min !== undefined && bounds.max !== undefined) return `${kind} in [${bounds.min}, ${bounds.max}]`;
  if (bounds.min !== undefined) return `${kind} ≥ ${bounds.min}`;
  if (bounds.max !== undefined) return `${kind} ≤ ${bounds.max}`;
  return kind;
}

/**
 * Exactly one number from a flag's text (`--seed 0`, `--temperature 0.7`), the one check every
 * command shares: integers are plain decimals (no `1e3`, `0x10` or `1.0`), other numbers
 * anything finite `Number` reads; anything else, a list included, is an
 * `InvalidArgumentError` naming the flag and what it expects, so `runMain` prints one line
 * and exits 2. Use `parseNumberList` for flags that take several.
 */
export function parseOneNumber(flag: string, text: string, bounds: NumberOptionBounds = {}): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  const valid =
    trimmed !== '' &&
    Number.isFinite(value) &&
    (!bounds.integer || (DECIMAL_INTEGER.test(trimmed) && Number.isSafeInteger(value))) &&
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.max === undefined || value <= bounds.max);
  if (!valid) throw new InvalidArgumentError(flag, text, expectation(bounds));
  return value;
}

/** A commander argument parser (`.option('--steps <n>', '…', integerOption('--steps', 1))`) for integers ≥ `minimum`, checked by `parseOneNumber`. */
export function integerOption(flag: string, minimum: number): (value: string) => number {
  return (value) => parseOneNumber(flag, value, { integer: true, min: minimum });
}

/** A commander argument parser for numbers in [`minimum`, `maximum`], checked by `parseOneNumber`. */
export function numberOption(flag: string, minimum: number, maximum: number): (value: string) => number {
  return (value) => parseOneNumber(flag, value, { min: minimum, max: maximum });
}
