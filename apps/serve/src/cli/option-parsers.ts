import { InvalidArgumentError } from '@maria-ts/core';

/** A commander parser for integers ≥ `minimum`; anything else is an `InvalidArgumentError` naming the flag. */
export function integerOption(name: string, minimum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(name, value, `an integer ≥ ${minimum}`);
    return parsed;
  };
}
