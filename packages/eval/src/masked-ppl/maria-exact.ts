import * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import { requireScorableTargets } from './banned-targets.js';
import { accumulateRows, DEFAULT_MAX_LOGIT_ROWS, type MaskedBatch, planMaskedBatches } from './batch-plan.js';
import { emptyMaskedNll, type MaskedExamples, type MaskedNll, type MaskedScoreOptions } from './masked-nll.js';
import { forEachChunk, idMatrix, rowNll } from './row-nll.js';

/** For each scored position of `batch`, the masked fraction of its sequence (masked positions / length), what a fusion gate reads. */
function maskedFractions(batch: MaskedBatch): Float32Array {
  const perRow = new Map<number, number>();
  for (const flat of batch.flatRows) {
    const row = Math.floor(flat / batch.length);
    perRow.set(row, (perRow.get(row) ?? 0) + 1);
  }
  return Float32Array.from(batch.flatRows, (flat) => (perRow.get(Math.floor(flat / batch.length)) as number) / batch.length);
}

/**
 * MARIA's exact masked NLL, `−log p(x_i | x_<i, x_unmasked)` at every masked i (ARCHITECTURE.md §1.5,
 * "Exact likelihood"): teacher forcing makes it one AR pass over the clean ids and one MLM
 * pass over x̃ per batch, then the head at the masked positions only. Exact, not a bound:
 * the AR half conditions on the true prefix, so the sum over masked i is the log-likelihood
 * of the masked tokens under MARIA's left-to-right factorisation. A masked id the model bans
 * is an `UnscorableTargetError` (its probability is 0). A model with a fusion gate is scored
 * gated, each sequence at its own masked fraction.
 */
export function mariaExactNll(model: MariaModel, examples: MaskedExamples, options: MaskedScoreOptions = {}): MaskedNll {
  requireScorableTargets(model, examples);
  const result = emptyMaskedNll(examples.ids.length);
  const maxRows = options.maxLogitRows ?? DEFAULT_MAX_LOGIT_ROWS;
  for (const batch of planMaskedBatches(examples, model.maskTokenId, options)) {
    if (batch.flatRows.length > 0) {
      const states = tf.tidy(() => {
        const { hAR, hMLM } = model.alignedStates(idMatrix(batch.ids), idMatrix(batch.maskedIds));
        return [hAR, hMLM] as const;
      });
      try {
        const nll = new Float32Array(batch.flatRows.length);
        const fractions = model.gate ? maskedFractions(batch) : undefined;
        forEachChunk(batch.flatRows.length, maxRows, (start, end) => {
          const logits = model.logitsAt({ hAR: states[0], hMLM: states[1] }, batch.flatRows.subarray(start, end), fractions?.subarray(start, end));
          nll.set(rowNll(logits, batch.labels.subarray(start, end), model.vocabSize), start);
          logits.dispose();
        });
        accumulateRows(batch, nll, result);
      } finally {
        tf.dispose([...states]);
      }
    }
    options.onProgress?.(batch.examples.length);
  }
  return result;
}
