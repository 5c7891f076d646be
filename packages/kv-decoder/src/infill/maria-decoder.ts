import { tf } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/fusion-head';
import { cachedDecode, type CachedLogitSource, type Decision } from './cached-decode.js';
import type { InfillDecoder } from './infill-decoder.js';
import { groupByLength, type InfillRow } from './infill-row.js';

/**
 * The MLM half of the head, `W_MLM · h_MLM(i) + b3`, for every masked position of every
 * row, from one MLM pass over x̃ per group of equal-length rows. Returns the [masked, vocab]
 * logits and the row of each (row, position) pair in it.
 */
export function maskedMlmLogits(model: MariaModel, rows: readonly InfillRow[]): { logits: tf.Tensor2D; slot: (row: number, position: number) => number } {
  const slots = new Map<string, number>();
  const parts: tf.Tensor2D[] = [];
  try {
    for (const group of groupByLength(rows)) {
      const length = (rows[group[0] as number] as InfillRow).tokens.length;
      const flat: number[] = [];
      group.forEach((rowNumber, g) => {
        for (const position of (rows[rowNumber] as InfillRow).masked) {
          slots.set(`${rowNumber}:${position}`, slots.size);
          flat.push(g * length + position);
        }
      });
      if (flat.length === 0) continue;
      parts.push(
        tf.tidy(() => {
          const input = new Int32Array(group.length * length);
          group.forEach((rowNumber, g) => input.set((rows[rowNumber] as InfillRow).tokens, g * length));
          const hidden = model.mlmStates(tf.tensor2d(input, [group.length, length], 'int32'));
          const width = hidden.shape[2];
          const states = tf.gather(hidden.reshape([group.length * length, width]), Int32Array.from(flat)) as tf.Tensor2D;
          return model.head.mlmLogits(states);
        }),
      );
    }
    const logits = parts.length === 0 ? (tf.zeros([0, model.vocabSize]) as tf.Tensor2D) : parts.length === 1 ? (parts[0] as tf.Tensor2D) : (tf.concat(parts, 0) as tf.Tensor2D);
    if (parts.length > 1) tf.dispose(parts);
    return {
      logits,
      slot: (row, position) => {
        const found = slots.get(`${row}:${position}`);
        if (found === undefined) throw new Error(`internal: no MLM logits for row ${row} position ${position}`);
        return found;
      },
    };
  } catch (error) {
    tf.dispose(parts);
    throw error;
  }
}

/** MARIA's logits in the decode loop: the AR half on the fresh state plus the precomputed MLM half. */
function mariaLogitSource(model: MariaModel, rows: readonly InfillRow[]): CachedLogitSource {
  const mlm = maskedMlmLogits(model, rows);
  return {
    logits: (hAR: tf.Tensor2D, decisions: readonly Decision[]) => {
      const arHalf = model.head.arLogits(hAR);
      const first = mlm.slot((decisions[0] as Decision).row, (decisions[0] as Decision).index);
      const contiguous = decisions.every((decision, k) => mlm.slot(decision.row, decision.index) === first + k);
      const mlmHalf = contiguous
        ? mlm.logits.slice([first, 0], [decisions.length, mlm.logits.shape[1]])
        : tf.gather(mlm.logits, Int32Array.from(decisions, (decision) => mlm.slot(decision.row, decision.index)));
      return tf.add(arHalf, mlmHalf);
    },
    dispose: () => mlm.logits.dispose(),
  };
}

/**
 * MARIA's Algorithm 1 (DESIGN.md §1, "Infill"): one MLM pass on x̃, the MLM half of the head
 * once for all masked positions, then KV-cached AR decoding where each filled token and the
 * unmasked run after it are one chunk and only the chunk's last state meets the AR half.
 * Cost: one MLM pass, one AR pass over the tokens up to the last mask, |M| decoder calls.
 */
export const mariaDecoder: InfillDecoder = {
  method: 'maria',
  decode: (model, rows, context) => cachedDecode(model, rows, context, () => mariaLogitSource(model, rows)),
};
