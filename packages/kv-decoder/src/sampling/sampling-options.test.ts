import { InvalidArgumentError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { createTokenSampler } from './sample-token.js';
import { greedySampling, resolveSamplingOptions } from './sampling-options.js';

describe('resolveSamplingOptions', () => {
  it('fills the defaults: temperature 1, no top-k, top-p 1', () => {
    expect(resolveSamplingOptions()).toEqual({ temperature: 1, topK: undefined, topP: 1 });
    expect(resolveSamplingOptions(greedySampling)).toEqual({ temperature: 0, topK: undefined, topP: 1 });
  });

  it('refuses bad options with typed errors naming the value, before any sampling', () => {
    const bad: [object, RegExp][] = [
      [{ temperature: -0.5 }, /invalid temperature: -0\.5/],
      [{ temperature: Number.NaN }, /invalid temperature/],
      [{ temperature: Infinity }, /invalid temperature/],
      [{ topK: 0 }, /invalid topK: 0/],
      [{ topK: 2.5 }, /invalid topK: 2\.5/],
      [{ topK: -3 }, /invalid topK/],
      [{ topP: 0 }, /invalid topP: 0 \(expected a number in \(0, 1\]\)/],
      [{ topP: 1.5 }, /invalid topP: 1\.5/],
      [{ topP: Number.NaN }, /invalid topP/],
    ];
    for (const [options, message] of bad) {
      expect(() => createTokenSampler(options)).toThrow(InvalidArgumentError);
      expect(() => createTokenSampler(options)).toThrow(message);
    }
  });
});
