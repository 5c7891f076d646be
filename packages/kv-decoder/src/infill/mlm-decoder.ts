import type { MariaModel } from '@maria-ts/core';
import { chooseTokens, readAndDispose, type DecodedToken, type DecoderContext, type InfillDecoder } from './infill-decoder.js';
import { groupByLength, type InfillRow } from './infill-row.js';
import { encoderLogitsAt } from './vocab-logits.js';

/**
 * The MLM AR-decode baseline (ARCHITECTURE.md §1.7, the paper's ModernBERT baseline): left to right
 * over the masked positions, run the MLM on the current sequence (earlier fills in place,
 * later masks still masked) and sample position i from the MLM's own logits there. No
 * cache: |M| full MLM passes. Rows of equal length share each pass; step k fills the k-th
 * masked position of every row of the group that has one.
 */
export const mlmDecoder: InfillDecoder = {
  method: 'mlm',
  *decode(model: MariaModel, rows: readonly InfillRow[], context: DecoderContext): Generator<DecodedToken[], void, void> {
    for (const group of groupByLength(rows)) {
      const steps = Math.max(...group.map((rowNumber) => (rows[rowNumber] as InfillRow).masked.length));
      for (let step = 0; step < steps; step++) {
        const active = group.filter((rowNumber) => step < (rows[rowNumber] as InfillRow).masked.length);
        const decisions = active.map((rowNumber) => ({ row: rowNumber, index: (rows[rowNumber] as InfillRow).masked[step] as number }));
        const logits = encoderLogitsAt(model, model.mlm, rows, active, decisions);
        yield chooseTokens(rows, decisions, readAndDispose(logits), model.vocabSize, context.sampler);
      }
    }
  },
};
