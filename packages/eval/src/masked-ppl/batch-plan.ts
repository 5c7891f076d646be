import { applyMask } from '@maria-ts/masking';
import { equalLengthBatches } from './equal-length-batches.js';
import { validateMaskedExamples, type MaskedExamples, type MaskedScoreOptions } from './masked-nll.js';

/** One equal-length batch with its masked positions flattened (b·length + i, ascending). */
export interface MaskedBatch {
  /** Indices of the batch's examples in the input. */
  readonly examples: readonly number[];
  readonly length: number;
  readonly ids: readonly (readonly number[])[];
  /** x̃: the ids with `maskTokenId` at every masked position. */
  readonly maskedIds: readonly (readonly number[])[];
  readonly flatRows: Int32Array;
  /** The true ids at `flatRows`. */
  readonly labels: Int32Array;
}

/** Defaults shared by the scorers. */
export const DEFAULT_MAX_BATCH_TOKENS = 2048;
export const DEFAULT_MAX_LOGIT_ROWS = 1024;

/**
 * Validates the examples and splits them into equal-length batches of at most
 * `maxBatchTokens` tokens, with the masked input and the flat masked rows of each batch:
 * the common preparation of the one-pass scorers (MARIA exact, AR-only).
 */
export function planMaskedBatches(examples: MaskedExamples, maskTokenId: number, options: MaskedScoreOptions): MaskedBatch[] {
  validateMaskedExamples(examples);
  const batches = equalLengthBatches(examples.ids.map((row) => row.length), options.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS);
  return batches.map((indices) => {
    const ids = indices.map((index) => examples.ids[index] as readonly number[]);
    const masks = indices.map((index) => examples.masks[index] as ArrayLike<number>);
    const length = ids[0]?.length ?? 0;
    const flat: number[] = [];
    const labels: number[] = [];
    masks.forEach((mask, row) => {
      for (let i = 0; i < length; i++) {
        if (!mask[i]) continue;
        flat.push(row * length + i);
        labels.push((ids[row] as readonly number[])[i] as number);
      }
    });
    return {
      examples: indices,
      length,
      ids,
      maskedIds: ids.map((row, r) => applyMask(row, masks[r] as ArrayLike<number>, maskTokenId)),
      flatRows: Int32Array.from(flat),
      labels: Int32Array.from(labels),
    };
  });
}

/** Adds per-row NLLs of a batch into the per-example result. */
export function accumulateRows(batch: MaskedBatch, nll: Float32Array, into: { nll: Float64Array; tokens: Int32Array }): void {
  for (let k = 0; k < batch.flatRows.length; k++) {
    const example = batch.examples[Math.floor((batch.flatRows[k] as number) / batch.length)] as number;
    into.nll[example] = (into.nll[example] as number) + (nll[k] as number);
    into.tokens[example] = (into.tokens[example] as number) + 1;
  }
}
