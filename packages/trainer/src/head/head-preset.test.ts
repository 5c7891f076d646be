import { describe, expect, it } from 'vitest';
import { applyHeadPreset, parseHeadPreset, type HeadPresetSettings } from './head-preset.js';

const defaults = { lr: 1e-4, batch: 8, accumulation: 1, maskAlpha: 2.5, maskBeta: 2.5, steps: 1000 };
const given = (...keys: (keyof HeadPresetSettings)[]) => new Set(keys);

describe('head presets', () => {
  it('paper: Beta(2.5, 2.5) masking, lr 5e-5, effective batch 32 by accumulation', () => {
    const flags = applyHeadPreset(defaults, parseHeadPreset('paper'), given());
    expect(flags).toEqual({ lr: 5e-5, batch: 8, accumulation: 4, maskAlpha: 2.5, maskBeta: 2.5, steps: 1000 });
    expect(flags.batch * flags.accumulation).toBe(32);
  });

  it('lets flags given on the command line override the preset', () => {
    const flags = applyHeadPreset({ ...defaults, maskAlpha: 1, maskBeta: 3, lr: 2e-5 }, 'paper', given('maskAlpha', 'maskBeta', 'lr'));
    expect(flags).toMatchObject({ lr: 2e-5, maskAlpha: 1, maskBeta: 3, batch: 8, accumulation: 4 });
  });

  it('keeps the effective batch of 32 when only --batch or --accumulation is given', () => {
    expect(applyHeadPreset({ ...defaults, batch: 16 }, 'paper', given('batch'))).toMatchObject({ batch: 16, accumulation: 2 });
    expect(applyHeadPreset({ ...defaults, accumulation: 8 }, 'paper', given('accumulation'))).toMatchObject({ batch: 4, accumulation: 8 });
    expect(applyHeadPreset({ ...defaults, batch: 6, accumulation: 3 }, 'paper', given('batch', 'accumulation'))).toMatchObject({ batch: 6, accumulation: 3 });
    expect(() => applyHeadPreset({ ...defaults, batch: 5 }, 'paper', given('batch'))).toThrow(/^invalid --batch: 5 \(expected a divisor of 32/);
  });

  it('changes nothing without a preset, and refuses an unknown one', () => {
    expect(applyHeadPreset(defaults, undefined, given())).toBe(defaults);
    expect(() => parseHeadPreset('llama')).toThrow(/^invalid --preset: "llama" \(expected paper\)$/);
  });
});
