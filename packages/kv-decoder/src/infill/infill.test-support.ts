import * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import { argmax } from '../sampling/argmax.js';
import { specialTokenIds } from './infill-decoder.js';
import type { InfillRequest } from './infill-types.js';

/** Requests of different lengths and mask patterns: masks at the start, the end, in runs and alone. */
export const REQUESTS: InfillRequest[] = [
  { ids: [40, 310, 72, 900, 15, 2048, 33, 501, 77, 1200], masked: [2, 3, 7] },
  { ids: [11, 12, 13, 14, 15, 16], masked: [0, 5] },
  { ids: [500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600], masked: [1, 4, 5, 6, 10] },
  { ids: [90, 91, 92, 93, 94, 95, 96, 97, 98, 99], masked: [9, 0, 4] },
];

/** One row of a [1, vocab] logits tensor as a host array, disposing the tensor, with the special tokens banned as infill bans them. */
function row(model: MariaModel, logits: tf.Tensor2D): Float32Array {
  const values = Float32Array.from(logits.dataSync() as Float32Array);
  logits.dispose();
  for (const id of specialTokenIds(model)) values[id] = -Infinity;
  return values;
}

/**
 * Greedy MARIA infill the slow way: for every masked position left to right, a full
 * uncached forward of both backbones (`alignedStates`: the AR model on the sequence with
 * the earlier fills, the MLM on the original x̃) and the whole head at that position (with the
 * model's fusion gate, if any, at the request's masked fraction).
 */
export function naiveMariaGreedy(model: MariaModel, request: InfillRequest): number[] {
  const masked = [...request.masked].sort((a, b) => a - b);
  const maskedTilde = request.ids.map((id, i) => (masked.includes(i) ? model.maskTokenId : id));
  const current = [...maskedTilde];
  for (const position of masked) {
    const logits = tf.tidy(() => {
      const states = model.alignedStates(tf.tensor2d([current], undefined, 'int32'), tf.tensor2d([maskedTilde], undefined, 'int32'));
      return model.logitsAt(states, [position], [masked.length / request.ids.length]); // the fraction is read only by a gated model
    });
    current[position] = argmax(row(model, logits));
  }
  return current;
}

/** Greedy MLM AR-decode the slow way: an MLM forward on the current sequence (own logits) per masked position. */
export function naiveMlmGreedy(model: MariaModel, request: InfillRequest): number[] {
  const masked = [...request.masked].sort((a, b) => a - b);
  const current = request.ids.map((id, i) => (masked.includes(i) ? model.maskTokenId : id));
  for (const position of masked) {
    const logits = tf.tidy(() => {
      const hidden = model.mlmStates(tf.tensor2d([current], undefined, 'int32'));
      return model.mlm.project(hidden.slice([0, position, 0], [1, 1, -1]).reshape([1, -1])).slice([0, 0], [1, model.vocabSize]) as tf.Tensor2D;
    });
    current[position] = argmax(row(model, logits));
  }
  return current;
}

/** Greedy AR-only the slow way: a full AR forward on the prefix (BOS + x_<i) per masked position, its own logits. */
export function naiveArGreedy(model: MariaModel, request: InfillRequest): number[] {
  const masked = [...request.masked].sort((a, b) => a - b);
  const current = request.ids.map((id, i) => (masked.includes(i) ? model.maskTokenId : id));
  for (const position of masked) {
    const logits = tf.tidy(() => {
      const input = tf.tensor2d([[model.ar.bosTokenId, ...current.slice(0, position)]], undefined, 'int32');
      const output = model.ar.forward(input, { returnLogits: true }).logits as tf.Tensor3D;
      return output.slice([0, position, 0], [1, 1, model.vocabSize]).reshape([1, model.vocabSize]) as tf.Tensor2D;
    });
    current[position] = argmax(row(model, logits));
  }
  return current;
}
