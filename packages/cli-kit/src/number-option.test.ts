import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@maria-ts/core';
import { integerOption, numberOption, parseOneNumber } from './number-option.js';

describe('parseOneNumber', () => {
  it('reads one integer or number within the bounds', () => {
    expect(parseOneNumber('--seed', ' 42 ', { integer: true })).toBe(42);
    expect(parseOneNumber('--seed', '-3', { integer: true })).toBe(-3);
    expect(parseOneNumber('--lr', '3e-4', { min: 1e-8 })).toBe(3e-4);
    expect(parseOneNumber('--remask', '1', { min: 0, max: 1 })).toBe(1);
    expect(parseOneNumber('--remask', '0', { min: 0, max: 1 })).toBe(0);
  });

  it.each([
    ['--length', '', { integer: true, min: 1 }, 'invalid --length: "" (expected an integer ≥ 1)'],
    ['--length', '0', { integer: true, min: 1 }, 'invalid --length: "0" (expected an integer ≥ 1)'],
    ['--length', '2.5', { integer: true, min: 1 }, 'invalid --length: "2.5" (expected an integer ≥ 1)'],
    ['--length', '1e3', { integer: true }, 'invalid --length: "1e3" (expected an integer)'],
    ['--length', '9007199254740993', { integer: true }, 'invalid --length: "9007199254740993" (expected an integer)'],
    ['--threads', '1,2', { integer: true, min: 1 }, 'invalid --threads: "1,2" (expected an integer ≥ 1)'],
    ['--remask', '1.5', { min: 0, max: 1 }, 'invalid --remask: "1.5" (expected a number in [0, 1])'],
    ['--top-p', 'Infinity', {}, 'invalid --top-p: "Infinity" (expected a number)'],
    ['--top-p', 'abc', { max: 1 }, 'invalid --top-p: "abc" (expected a number ≤ 1)'],
  ])('rejects %s %j with a typed error naming the flag', (flag, text, bounds, message) => {
    let thrown: unknown;
    try {
      parseOneNumber(flag, text, bounds);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toBe(message);
  });
});

describe('commander option parsers', () => {
  it('parse a flag value with the bounds they were made with', () => {
    expect(integerOption('--steps', 1)('7')).toBe(7);
    expect(integerOption('--seed', 0)('0')).toBe(0);
    expect(numberOption('--lr', 0, 1)('0.5')).toBe(0.5);
  });

  it('throw the typed error for a bad value', () => {
    expect(() => integerOption('--steps', 1)('0')).toThrow('invalid --steps: "0" (expected an integer ≥ 1)');
    expect(() => integerOption('--steps', 1)('3.5')).toThrow('invalid --steps: "3.5" (expected an integer ≥ 1)');
    expect(() => numberOption('--lr', 0, 1)('2')).toThrow('invalid --lr: "2" (expected a number in [0, 1])');
  });
});
