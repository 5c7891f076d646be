import * as tf from '@tensorflow/tfjs';
import { onSequencePassEngine, POOL_MIN_ROWS, RowProduct, ShapeMismatchError } from '@maria-ts/core';
import type { FusionGateScales, MariaModel } from '@maria-ts/core';
import { cachedDecode, type CachedLogitSource, type Decision } from './cached-decode.js';
import type { InfillDecoder } from './infill-decoder.js';
import { groupByLength, type InfillRow } from './infill-row.js';

/** The MLM half of the head at every masked position, on the host: row `slot(row, position)` of `values`. */
export interface MaskedMlmLogits {
  /** Row-major [masked positions × vocab]; with a fusion gate, already scaled by the row's g(f). */
  readonly values: Float32Array;
  readonly slot: (row: number, position: number) => number;
  /**
   * What the AR half of `row` is multiplied by before the MLM half is added: the fusion gate's
   * α(f) for the row's masked fraction, 1 without a gate (plain MARIA, the sum unchanged).
   */
  readonly arScale: (row: number) => number;
}

/** The gate's scales of each row (masked fraction = masked positions / length), or null for plain MARIA. */
function rowGateScales(model: MariaModel, rows: readonly InfillRow[]): FusionGateScales[] | null {
  const gate = model.gate;
  if (gate === undefined) return null;
  return rows.map((row) => gate.scalesAt(row.tokens.length === 0 ? 0 : row.masked.length / row.tokens.length));
}

/**
 * The MLM half of the head, `W_MLM · h_MLM(i) + b3`, for every masked position of every
 * row, from one MLM pass over x̃ per group of equal-length rows, read back to the host once.
 * Kept on the host because the decode loop then adds one row to the AR half in plain JS,
 * where slicing or gathering a row of a large tensor costs milliseconds per step on wasm
 * (measured 2–40 ms for a [256, 8192] tensor). Host memory: 4 bytes × |M| × vocab.
 */
export function maskedMlmLogits(model: MariaModel, rows: readonly InfillRow[]): MaskedMlmLogits {
  const vocab = model.vocabSize;
  const slots = new Map<string, number>();
  const total = rows.reduce((sum, row) => sum + row.masked.length, 0);
  const values = new Float32Array(total * vocab);
  const scales = rowGateScales(model, rows);
  for (const group of groupByLength(rows)) {
    const length = (rows[group[0] as number] as InfillRow).tokens.length;
    const flat: number[] = [];
    const first = slots.size;
    group.forEach((rowNumber, g) => {
      for (const position of (rows[rowNumber] as InfillRow).masked) {
        slots.set(`${rowNumber}:${position}`, slots.size);
        flat.push(g * length + position);
      }
    });
    if (flat.length === 0) continue;
    // One pass of the MLM and one product of the head's MLM half over every masked position:
    // on the `hybrid` engine both run on native TensorFlow.
    const logits = onSequencePassEngine(() => tf.tidy(() => {
      const input = new Int32Array(group.length * length);
      group.forEach((rowNumber, g) => input.set((rows[rowNumber] as InfillRow).tokens, g * length));
      const hidden = model.mlmStates(tf.tensor2d(input, [group.length, length], 'int32'));
      const width = hidden.shape[2];
      const states = tf.gather(hidden.reshape([group.length * length, width]), Int32Array.from(flat)) as tf.Tensor2D;
      return model.head.mlmLogits(states);
    }));
    try {
      values.set(logits.dataSync() as Float32Array, first * vocab);
    } finally {
      logits.dispose();
    }
  }
  if (scales !== null) {
    rows.forEach((row, rowNumber) => {
      const g = (scales[rowNumber] as FusionGateScales).mlm;
      for (const position of row.masked) {
        const from = (slots.get(`${rowNumber}:${position}`) as number) * vocab;
        for (let j = from; j < from + vocab; j++) values[j] = (values[j] as number) * g;
      }
    });
  }
  return {
    values,
    arScale: (row) => (scales === null ? 1 : (scales[row] as FusionGateScales).ar),
    slot: (row, position) => {
      const found = slots.get(`${row}:${position}`);
      if (found === undefined) throw new Error(`internal: no MLM logits for row ${row} position ${position}`);
      return found;
    },
  };
}

/**
 * MARIA's logits of one decision in place: `logits` holds the AR half `h_AR · W_AR` of `row` at
 * `position` and becomes α · logits + the MLM half there (α = 1 without a fusion gate).
 */
export function addMlmHalf(logits: Float32Array, mlm: MaskedMlmLogits, row: number, position: number): void {
  const values = mlm.values;
  const vocab = logits.length;
  const from = mlm.slot(row, position) * vocab;
  const alpha = mlm.arScale(row);
  if (alpha === 1) {
    for (let j = 0; j < vocab; j++) logits[j] = (logits[j] as number) + (values[from + j] as number);
  } else {
    for (let j = 0; j < vocab; j++) logits[j] = alpha * (logits[j] as number) + (values[from + j] as number);
  }
}

/** MARIA's logits in the decode loop: the AR half on the fresh state plus the precomputed MLM half (each scaled by the gate, if any). */
function mariaLogitSource(model: MariaModel, rows: readonly InfillRow[]): CachedLogitSource {
  const mlm = maskedMlmLogits(model, rows);
  const vocab = model.vocabSize;
  // The AR half `h_AR · W_AR` of a step's few states, without tfjs's per-op bookkeeping (same kernel, same values).
  const arHalfProduct = new RowProduct(model.head.variables().arWeight, null, POOL_MIN_ROWS - 1);
  return {
    logits: (hAR: Float32Array, decisions: readonly Decision[]) => {
      if (hAR.length !== decisions.length * model.head.arHiddenSize) throw new ShapeMismatchError('h_AR', [decisions.length, hAR.length / Math.max(1, decisions.length)], [decisions.length, model.head.arHiddenSize]);
      // The product's own buffer, reused every step: the MLM half is added into it, and the loop
      // has chosen from it before the next step.
      const logits = arHalfProduct.runShared(hAR, decisions.length);
      decisions.forEach((decision, k) => addMlmHalf(logits.subarray(k * vocab, (k + 1) * vocab), mlm, decision.row, decision.index));
      return logits;
    },
    dispose: () => arHalfProduct.dispose(),
  };
}

/**
 * MARIA's Algorithm 1 (ARCHITECTURE.md §1.6): one MLM pass on x̃, the MLM half of the head
 * once for all masked positions, then KV-cached AR decoding where each filled token and the
 * unmasked run after it are one chunk and only the chunk's last state meets the AR half.
 * Cost: one MLM pass, one AR pass over the tokens up to the last mask, |M| decoder calls.
 */
export const mariaDecoder: InfillDecoder = {
  method: 'maria',
  decode: (model, rows, context) => cachedDecode(model, rows, context, () => mariaLogitSource(model, rows)),
};
