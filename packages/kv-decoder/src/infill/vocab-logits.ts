import * as tf from '@tensorflow/tfjs';
import { type LanguageBackbone, type MLMBackbone } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import type { InfillRow } from './infill-row.js';

/**
 * A backbone's own logits for hidden states [N, d], restricted to the shared tokenizer's
 * `vocabSize` ids (a backbone's projection may be padded beyond them, as ModernBERT's 50368
 * rows are for OLMo's 50304-id tokenizer), so baselines sample over the same ids as MARIA.
 */
export function backboneVocabLogits(backbone: LanguageBackbone, hidden: tf.Tensor2D, vocabSize: number): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = backbone.project(hidden) as tf.Tensor2D;
    return logits.shape[1] === vocabSize ? logits : logits.slice([0, 0], [logits.shape[0], vocabSize]);
  });
}

/**
 * An encoder's own logits [decisions, vocab] at the decisions' positions, from one pass of
 * `encoder` over the current tokens of `rowNumbers` (rows of equal length, mask token at
 * positions still masked). Each decision's row must be among `rowNumbers`.
 */
export function encoderLogitsAt(
  model: MariaModel,
  encoder: MLMBackbone,
  rows: readonly InfillRow[],
  rowNumbers: readonly number[],
  decisions: readonly { readonly row: number; readonly index: number }[],
): tf.Tensor2D {
  const length = (rows[rowNumbers[0] as number] as InfillRow).tokens.length;
  const place = new Map(rowNumbers.map((rowNumber, at) => [rowNumber, at]));
  return tf.tidy(() => {
    const input = new Int32Array(rowNumbers.length * length);
    rowNumbers.forEach((rowNumber, at) => input.set((rows[rowNumber] as InfillRow).tokens, at * length));
    const hidden = model.mlmStates(tf.tensor2d(input, [rowNumbers.length, length], 'int32'), encoder);
    const width = hidden.shape[2];
    const flat = Int32Array.from(decisions, (decision) => (place.get(decision.row) as number) * length + decision.index);
    const picked = tf.gather(hidden.reshape([rowNumbers.length * length, width]), flat) as tf.Tensor2D;
    // The MLM may hold the head's tokens at other ids: its logits come through the model's vocabulary map.
    return encoder === model.mlm ? model.mlmVocabLogits(picked) : backboneVocabLogits(encoder, picked, model.vocabSize);
  });
}
