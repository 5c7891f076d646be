import { CheckpointError, Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { assembleParameters, contentHash, disassembleParameters, initialiseParameters, type CheckpointTensor } from './host-parameters.js';
import { linearWeight, ruleShape, stored, vector } from './parameter-rule.js';

const tensor = (shape: number[], values: number[]): CheckpointTensor => ({ shape, data: Float32Array.from(values) });

const rules = [
  // q [2, 3] and k [1, 3] as nn.Linear → ours [3, 3]
  linearWeight('attention.qkv.weight', ['q.weight', 'k.weight'], [2, 1], 3),
  vector('attention.qkv.bias', ['q.bias', 'k.bias'], [2, 1], 'zeros'),
  stored('embeddings', 'wte', [2, 2]),
  vector('norm.weight', ['ln.weight'], [2], 'ones'),
];

const checkpoint = new Map<string, CheckpointTensor>([
  ['q.weight', tensor([2, 3], [1, 2, 3, 4, 5, 6])],
  ['k.weight', tensor([1, 3], [7, 8, 9])],
  ['q.bias', tensor([2], [0.1, 0.2])],
  ['k.bias', tensor([1], [0.3])],
  ['wte', tensor([2, 2], [1, 0, 0, 1])],
  ['ln.weight', tensor([2], [2, 3])],
  ['attn.masked_bias', tensor([1], [0])],
  ['surprise', tensor([1], [0])],
]);

describe('parameter rules', () => {
  it('transposes nn.Linear weights to [in, out] and concatenates fused sources along out', () => {
    const { parameters, unused } = assembleParameters(rules, checkpoint, 'ckpt', (name) => name.endsWith('masked_bias'));
    const qkv = parameters.get('attention.qkv.weight');
    expect(qkv?.shape).toEqual([3, 3]);
    // rows = input features: [q0, q1, k0] of feature j
    expect(Array.from(qkv?.data ?? [])).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
    expect(Array.from(parameters.get('attention.qkv.bias')?.data ?? [])).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    expect(unused).toEqual(['surprise']);
    expect(ruleShape(rules[0]!)).toEqual([3, 3]);
  });

  it('round-trips through disassemble back to checkpoint names and layouts', () => {
    const { parameters } = assembleParameters(rules, checkpoint, 'ckpt');
    const back = disassembleParameters(rules, parameters);
    for (const name of ['q.weight', 'k.weight', 'q.bias', 'k.bias', 'wte', 'ln.weight']) {
      expect(back.get(name)?.shape).toEqual(checkpoint.get(name)?.shape);
      expect(Array.from(back.get(name)?.data ?? [])).toEqual(Array.from(checkpoint.get(name)?.data ?? []));
    }
  });

  it('names a missing tensor and a shape that disagrees with the config', () => {
    const missing = new Map(checkpoint);
    missing.delete('k.weight');
    expect(() => assembleParameters(rules, missing, 'ckpt')).toThrowError("ckpt: missing tensor 'k.weight' (expected shape [1, 3])");
    const wrong = new Map(checkpoint);
    wrong.set('wte', tensor([3, 2], [0, 0, 0, 0, 0, 0]));
    let caught: unknown;
    try {
      assembleParameters(rules, wrong, 'ckpt');
    } catch (error) {
      caught = error;
    }
    expect(CheckpointError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe("ckpt: tensor 'wte' has shape [3, 2], but the config implies [2, 2]");
  });

  it('initialises deterministically from a seed: weights ~ N(0, std²), norms 1, biases 0', () => {
    const first = initialiseParameters(rules, new Rng(3), 0.02);
    const again = initialiseParameters(rules, new Rng(3), 0.02);
    const other = initialiseParameters(rules, new Rng(4), 0.02);
    expect(contentHash(first)).toBe(contentHash(again));
    expect(contentHash(first)).not.toBe(contentHash(other));
    expect(Array.from(first.get('norm.weight')?.data ?? [])).toEqual([1, 1]);
    expect(Array.from(first.get('attention.qkv.bias')?.data ?? [])).toEqual([0, 0, 0]);
    const big = initialiseParameters([stored('big', 'big', [100, 100])], new Rng(1), 0.02).get('big')?.data ?? new Float32Array();
    const mean = big.reduce((a, b) => a + b, 0) / big.length;
    const std = Math.sqrt(big.reduce((a, b) => a + (b - mean) ** 2, 0) / big.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
  });
});
