import { CheckpointError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { UnsupportedConfigError } from '../errors.js';
import { ConfigReader } from './config-reader.js';

describe('ConfigReader', () => {
  it('reads alias keys, applies defaults and reports unknown keys but not inert ones', () => {
    const reader = new ConfigReader({ n_embd: 8, hidden_dropout_prob: 0.1, torch_dtype: 'float32', mystery: 3 }, 'cfg');
    expect(reader.integer(['n_embd', 'hidden_size'])).toBe(8);
    expect(reader.positiveNumber('layer_norm_epsilon', 1e-5)).toBe(1e-5);
    expect(reader.finish({}).warnings).toEqual(["cfg: ignoring unknown key 'mystery' = 3"]);
  });

  it('throws typed errors for missing, ill-typed and unsupported values', () => {
    const reader = new ConfigReader({ hidden_size: 'big', hidden_act: 'mish', n: 0 }, 'cfg');
    expect(() => reader.integer('num_hidden_layers')).toThrowError("cfg: missing required key 'num_hidden_layers'");
    expect(() => reader.integer('hidden_size')).toThrowError('cfg: hidden_size = "big" is invalid (expected a finite number)');
    expect(() => reader.integer('n')).toThrowError('cfg: n = 0 is invalid (expected an integer >= 1)');
    let caught: unknown;
    try {
      reader.choice('hidden_act', ['gelu', 'silu']);
    } catch (error) {
      caught = error;
    }
    expect(UnsupportedConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe('cfg: hidden_act = "mish" is not supported (supported: gelu, silu)');
    expect(() => new ConfigReader([1, 2], 'cfg')).toThrowError(/config must be a JSON object/);
    expect(CheckpointError.isInstance((() => { try { reader.integer('absent'); } catch (error) { return error; } })())).toBe(true);
  });

  it('treats null like absence for optional values', () => {
    const reader = new ConfigReader({ bos_token_id: null, n_inner: null }, 'cfg');
    expect(reader.optionalInteger('bos_token_id')).toBeNull();
    expect(reader.has('n_inner')).toBe(false);
    expect(reader.finish({}).warnings).toEqual([]);
  });
});
