import { defineError } from '@maria-ts/core';

/**
 * The judge AR model is the MARIA model's own AR backbone (equal content hashes). Scoring a
 * model's samples with its own AR backbone rewards copying that backbone (x⁰ of the
 * annealer, the AR-only baseline) rather than measuring quality, so the benches refuse it.
 */
export const JudgeIsBackboneError = defineError('JudgeIsBackbone', (judgeDir: string, contentHash: string) => ({
  message: `the judge at ${judgeDir} is the model's own AR backbone (content hash ${contentHash.slice(0, 16)}…); pass a separately trained, larger or longer-trained AR checkpoint as --judge`,
  details: { judgeDir, contentHash },
}));
