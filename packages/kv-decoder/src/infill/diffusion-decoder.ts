import type { MariaModel } from '@maria-ts/core';
import { chooseTokens, readAndDispose, type DecodedToken, type DecoderContext, type InfillDecoder } from './infill-decoder.js';
import { groupByLength, type InfillRow } from './infill-row.js';
import { encoderLogitsAt } from './vocab-logits.js';

/** Denoising steps of a row with `maskedCount` masked tokens: `steps`, or one per masked token when that is fewer. */
export function diffusionStepCount(steps: number, maskedCount: number): number {
  return Math.min(steps, maskedCount);
}

/**
 * The masked-diffusion baseline (SMDM/MDLM style, ARCHITECTURE.md §1.7), in N denoising steps.
 *
 * Step s of a row with |M| masked tokens and S = min(N, |M|) steps unmasks
 * `round(|M|·(s+1)/S) − round(|M|·s/S)` positions (at least one; the linear schedule of
 * the masked fraction), chosen uniformly among those still masked with the row's stream,
 * and samples each from the encoder's logits on the current sequence. The encoder is the
 * model's MDLM-trained `diffusion` backbone, or the MLM when there is none (the result's
 * `encoder` says which). Rows of equal length share each pass.
 */
export const diffusionDecoder: InfillDecoder = {
  method: 'diffusion',
  describe: (model) => ({ encoder: model.diffusion ? 'diffusion' : 'mlm' }),
  *decode(model: MariaModel, rows: readonly InfillRow[], context: DecoderContext): Generator<DecodedToken[], void, void> {
    const encoder = model.diffusion ?? model.mlm;
    for (const group of groupByLength(rows)) {
      const stillMasked = new Map(group.map((rowNumber) => [rowNumber, [...(rows[rowNumber] as InfillRow).masked]]));
      const stepsOf = (rowNumber: number) => diffusionStepCount(context.diffusionSteps, (rows[rowNumber] as InfillRow).masked.length);
      const steps = Math.max(...group.map(stepsOf));
      for (let step = 0; step < steps; step++) {
        const active = group.filter((rowNumber) => step < stepsOf(rowNumber));
        const decisions = active.flatMap((rowNumber) => {
          const row = rows[rowNumber] as InfillRow;
          const total = row.masked.length;
          const rowSteps = stepsOf(rowNumber);
          const count = Math.round((total * (step + 1)) / rowSteps) - Math.round((total * step) / rowSteps);
          const pool = stillMasked.get(rowNumber) as number[];
          const chosen: number[] = [];
          for (let k = 0; k < count; k++) {
            const pick = row.rng.int(pool.length);
            chosen.push(pool[pick] as number);
            pool[pick] = pool[pool.length - 1] as number;
            pool.pop();
          }
          return chosen.sort((a, b) => a - b).map((index) => ({ row: rowNumber, index }));
        });
        const logits = encoderLogitsAt(model, encoder, rows, active, decisions);
        yield chooseTokens(rows, decisions, readAndDispose(logits), model.vocabSize, context.sampler);
      }
    }
  },
};
