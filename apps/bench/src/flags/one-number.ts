import { InvalidArgumentError, parseNumberList } from '@maria-ts/core';

/** Exactly one number from a flag (`--samples 8`), checked like `parseNumberList`, with the flag named in the error. */
export function oneNumber(flag: string, text: string, options: { integer?: boolean; min?: number } = {}): number {
  const values = parseNumberList(flag, text, options);
  if (values.length !== 1) throw new InvalidArgumentError(flag, text, 'one number');
  return values[0] as number;
}
