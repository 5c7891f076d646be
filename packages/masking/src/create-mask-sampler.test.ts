import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { createMaskSampler, type MaskSamplerSpec } from './create-mask-sampler.js';

describe('createMaskSampler', () => {
  it('builds each kind from a JSON spec', () => {
    const specs: MaskSamplerSpec[] = [
      { kind: 'beta' },
      { kind: 'fixed-rate', rate: 0.4 },
      { kind: 'mdlm', minT: 0.01 },
      { kind: 'fixed-count', rate: 0.25 },
      { kind: 'fixed-count', count: 3 },
    ];
    for (const spec of specs) {
      const sampler = createMaskSampler(JSON.parse(JSON.stringify(spec)) as MaskSamplerSpec);
      expect(sampler.kind).toBe(spec.kind);
      expect(sampler.sample(new Array<number>(12).fill(1), new Rng(1)).count).toBeGreaterThanOrEqual(1);
    }
    expect(createMaskSampler({ kind: 'fixed-count', count: 3 }).sample(new Array<number>(12).fill(1), new Rng(1)).count).toBe(3);
  });

  it('names the known kinds when given an unknown one', () => {
    expect(() => createMaskSampler({ kind: 'poisson' } as unknown as MaskSamplerSpec)).toThrow(InvalidArgumentError);
    expect(() => createMaskSampler({ kind: 'poisson' } as unknown as MaskSamplerSpec)).toThrow(/beta, fixed-rate, mdlm, fixed-count/);
  });
});
