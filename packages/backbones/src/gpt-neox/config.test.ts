import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../testing/golden-fixtures.js';
import { parseGptNeoXConfig } from './config.js';

const minimal = { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, vocab_size: 100 };

function refusal(raw: Record<string, unknown>): Error {
  try {
    parseGptNeoXConfig(raw, 'cfg');
  } catch (error) {
    expect(CheckpointError.isInstance(error), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('parseGptNeoXConfig', () => {
  it("reads transformers 5's rope_parameters and the Hub's rotary_pct / rotary_emb_base to the same config", () => {
    const written = JSON.parse(readFileSync(join(fixtureDir('tiny-gpt-neox'), 'config.json'), 'utf8')) as Record<string, unknown>;
    const { rope_parameters: rope, attention_bias: _bias, dtype: _dtype, ...rest } = written as Record<string, Record<string, unknown>>;
    const hub = { ...rest, rotary_pct: rope?.partial_rotary_factor, rotary_emb_base: rope?.rope_theta, torch_dtype: 'float16' };
    const fromWritten = parseGptNeoXConfig(written, 'cfg');
    const fromHub = parseGptNeoXConfig(hub, 'cfg');
    expect(fromHub.config).toEqual(fromWritten.config);
    expect(fromWritten.config).toMatchObject({ rotaryDimension: 2, ropeTheta: 10000, parallelResidual: true, attentionBias: true, tieWordEmbeddings: false, activation: 'gelu' });
    expect([...fromWritten.warnings, ...fromHub.warnings]).toEqual([]);
  });

  it('defaults to Pythia: rotary 25%, θ 10000, parallel residual, attention biases, untied head', () => {
    const { config } = parseGptNeoXConfig(minimal, 'cfg');
    expect(config).toMatchObject({ headDim: 8, rotaryDimension: 2, ropeTheta: 10000, ropeScaling: null, parallelResidual: true, attentionBias: true, tieWordEmbeddings: false, layerNormEpsilon: 1e-5, maxPositions: 2048 });
  });

  it('reads the sequential residual, full rotary width, base, ε, linear scaling and tied head', () => {
    const { config } = parseGptNeoXConfig(
      { ...minimal, use_parallel_residual: false, rotary_pct: 1, rotary_emb_base: 500, layer_norm_eps: 1e-6, rope_scaling: { type: 'linear', factor: 2 }, tie_word_embeddings: true, attention_bias: false },
      'cfg',
    );
    expect(config).toMatchObject({ parallelResidual: false, rotaryDimension: 8, ropeTheta: 500, layerNormEpsilon: 1e-6, ropeScaling: { type: 'linear', factor: 2 }, tieWordEmbeddings: true, attentionBias: false });
  });

  it('floors the rotary width as int(head_size * rotary_pct) does', () => {
    expect(parseGptNeoXConfig({ ...minimal, hidden_size: 80, num_attention_heads: 1, rotary_pct: 0.26 }, 'cfg').config.rotaryDimension).toBe(20);
    expect(parseGptNeoXConfig({ ...minimal, rotary_pct: 0 }, 'cfg').config.rotaryDimension).toBe(0);
  });

  it('refuses what it does not implement with a one-line CheckpointError naming the key', () => {
    expect(refusal({ ...minimal, rope_scaling: { type: 'dynamic', factor: 2 } }).message).toContain('rope_scaling.rope_type = "dynamic" is not supported');
    expect(refusal({ ...minimal, rope_parameters: { rope_type: 'yarn', factor: 2 } }).message).toContain('rope_parameters.rope_type = "yarn"');
    expect(refusal({ ...minimal, rotary_pct: 0.375 }).message).toContain('rotary_pct = 0.375 is not supported');
    expect(refusal({ ...minimal, rotary_pct: 1.5 }).message).toContain('rotary_pct = 1.5');
    expect(refusal({ ...minimal, hidden_act: 'swiglu' }).message).toContain('hidden_act = "swiglu" is not supported');
    expect(refusal({ ...minimal, num_attention_heads: 5 }).message).toContain('hidden_size = 32 is not supported');
    for (const raw of [{ ...minimal, rotary_pct: 0.375 }, { ...minimal, hidden_act: 'swiglu' }]) expect(refusal(raw).message).not.toContain('\n');
  });

  it('warns about keys it does not know', () => {
    expect(parseGptNeoXConfig({ ...minimal, use_flux: true }, 'cfg').warnings).toEqual(["cfg: ignoring unknown key 'use_flux' = true"]);
  });
});
