import * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import { requireScorableTargets } from './banned-targets.js';
import { DEFAULT_MAX_BATCH_TOKENS, DEFAULT_MAX_LOGIT_ROWS } from './batch-plan.js';
import { equalLengthBatches } from './equal-length-batches.js';
import { emptyMaskedNll, maskedPositions, validateMaskedExamples, type MaskedExamples, type MaskedNll, type MaskedScoreOptions } from './masked-nll.js';
import { gatheredRowNll, idMatrix } from './row-nll.js';

/**
 * The MLM AR-decode baseline (the paper's ModernBERT row): the masked positions are revealed
 * left to right with teacher forcing. At step k the MLM reads the sequence with the first k
 * masked tokens restored to their true ids and the rest still masked, and scores the true
 * token at the k-th masked position. That is |M| MLM passes and no cache, which is inherent
 * to the baseline; what is not inherent is doing them one example at a time, so step k runs
 * once for a whole equal-length batch, every example revealing its own k-th masked token
 * (examples with fewer masked tokens drop out of later steps). A masked id the model bans is
 * an `UnscorableTargetError`, as for MARIA.
 */
export function mlmArDecodeNll(model: MariaModel, examples: MaskedExamples, options: MaskedScoreOptions = {}): MaskedNll {
  validateMaskedExamples(examples);
  requireScorableTargets(model, examples);
  const result = emptyMaskedNll(examples.ids.length);
  const maxRows = options.maxLogitRows ?? DEFAULT_MAX_LOGIT_ROWS;
  const batches = equalLengthBatches(examples.ids.map((row) => row.length), options.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS);
  for (const batch of batches) {
    const positions = batch.map((index) => maskedPositions(examples.masks[index] as ArrayLike<number>));
    const steps = Math.max(0, ...positions.map((list) => list.length));
    const length = examples.ids[batch[0] as number]?.length ?? 0;
    for (let step = 0; step < steps; step++) {
      const active = batch.map((_, row) => row).filter((row) => (positions[row] as number[]).length > step);
      const inputs = active.map((row) => {
        const ids = [...(examples.ids[batch[row] as number] as readonly number[])];
        for (const position of (positions[row] as number[]).slice(step)) ids[position] = model.maskTokenId;
        return ids;
      });
      const flatRows = Int32Array.from(active, (row, a) => a * length + ((positions[row] as number[])[step] as number));
      const labels = Int32Array.from(active, (row) => (examples.ids[batch[row] as number] as readonly number[])[(positions[row] as number[])[step] as number] as number);
      const hidden = tf.tidy(() => model.mlmStates(idMatrix(inputs)));
      try {
        const nll = gatheredRowNll(hidden, flatRows, labels, (rows) => model.mlmVocabLogits(rows as tf.Tensor2D), model.vocabSize, maxRows);
        active.forEach((row, a) => {
          const example = batch[row] as number;
          result.nll[example] = (result.nll[example] as number) + (nll[a] as number);
          result.tokens[example] = (result.tokens[example] as number) + 1;
        });
      } finally {
        hidden.dispose();
      }
      options.onProgress?.(batch.length / steps);
    }
    if (steps === 0) options.onProgress?.(batch.length);
  }
  return result;
}
