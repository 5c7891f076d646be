import { InvalidArgumentError } from '@maria-ts/core';

/**
 * Parses a comma-separated list of numbers from a CLI flag (`--threads 1,2`,
 * `--rates 0.1,0.5`), rejecting anything that is not a finite number (or not an integer
 * when `integer` is set) with a typed error naming the flag.
 */
export function parseNumberList(flag: string, text: string, options: { integer?: boolean; min?: number } = {}): number[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === '')) throw new InvalidArgumentError(flag, text, 'a comma-separated list of numbers');
  return parts.map((part) => {
    const value = Number(part);
    const bad = !Number.isFinite(value) || (options.integer && !Number.isInteger(value)) || (options.min !== undefined && value < options.min);
    if (bad) {
      const kind = options.integer ? 'integers' : 'numbers';
      throw new InvalidArgumentError(flag, text, `comma-separated ${kind}${options.min !== undefined ? ` >= ${options.min}` : ''}`);
    }
    return value;
  });
}
