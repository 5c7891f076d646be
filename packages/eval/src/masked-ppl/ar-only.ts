import * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import { accumulateRows, DEFAULT_MAX_LOGIT_ROWS, planMaskedBatches } from './batch-plan.js';
import { emptyMaskedNll, type MaskedExamples, type MaskedNll, type MaskedScoreOptions } from './masked-nll.js';
import { gatheredRowNll, idMatrix } from './row-nll.js';

/**
 * The AR-only baseline: `−log p_AR(x_i | x_<i)` at the masked i, ignoring everything after
 * i. One batched AR pass over the BOS-shifted clean ids (`model.arStates`), then the AR's own
 * vocab projection at the masked rows only (the same numbers as `forward(…, {returnLogits})`
 * at those positions, without projecting the rest). The mask only selects which tokens are
 * scored; it never changes their scores.
 */
export function arOnlyNll(model: MariaModel, examples: MaskedExamples, options: MaskedScoreOptions = {}): MaskedNll {
  const result = emptyMaskedNll(examples.ids.length);
  const maxRows = options.maxLogitRows ?? DEFAULT_MAX_LOGIT_ROWS;
  for (const batch of planMaskedBatches(examples, model.maskTokenId, options)) {
    if (batch.flatRows.length > 0) {
      const hidden = tf.tidy(() => model.arStates(idMatrix(batch.ids)));
      try {
        accumulateRows(batch, gatheredRowNll(hidden, batch.flatRows, batch.labels, (rows) => model.ar.project(rows), model.vocabSize, maxRows), result);
      } finally {
        hidden.dispose();
      }
    }
    options.onProgress?.(batch.examples.length);
  }
  return result;
}
