import { InvalidArgumentError } from '@maria-ts/core';

/** A commander argument parser for integers ≥ `minimum`; anything else is an `InvalidArgumentError` naming the option. */
export function parseIntegerOption(name: string, minimum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(parsed) || parsed < minimum) {
      throw new InvalidArgumentError(name, value, `an integer ≥ ${minimum}`);
    }
    return parsed;
  };
}

/** A commander argument parser for numbers in [minimum, maximum]. */
export function parseNumberOption(name: string, minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(name, value, `a number in [${minimum}, ${maximum}]`);
    }
    return parsed;
  };
}
