import * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import { equalLengthBatches } from '../masked-ppl/equal-length-batches.js';
import { idMatrix } from '../masked-ppl/row-nll.js';
import type { AlignedSentence } from './subword-alignment.js';

/**
 * Frozen per-word features of a set of sentences, one row per tagged word (its first subword
 * token), as `[h_AR ; h_MLM]` rows of width dAR + dMLM. The MLM probe reads the last dMLM
 * columns (`h_MLM(i)`, the MLM on the unmasked sentence); the MARIA probe reads all of them,
 * exactly the head's input at i (`h_AR(i-1)`, the AR state after x_<i, and `h_MLM(i)`).
 */
export interface ProbeFeatures {
  readonly rows: number;
  readonly arWidth: number;
  readonly mlmWidth: number;
  /** [rows, arWidth + mlmWidth], row-major. */
  readonly values: Float32Array;
  /** The tag of each row. */
  readonly tags: readonly string[];
}

/**
 * Runs both frozen backbones once over every sentence (equal-length batches of at most
 * `maxBatchTokens` tokens, no padding) and gathers the aligned states at each word's first
 * subword token.
 */
export function extractProbeFeatures(model: MariaModel, sentences: readonly AlignedSentence[], options: { maxBatchTokens?: number; onProgress?: (sentences: number) => void } = {}): ProbeFeatures {
  const arWidth = model.ar.info.hiddenSize;
  const mlmWidth = model.mlm.info.hiddenSize;
  const width = arWidth + mlmWidth;
  const kept = sentences.filter((sentence) => sentence.firstToken.length > 0);
  const rows = kept.reduce((sum, sentence) => sum + sentence.firstToken.length, 0);
  const values = new Float32Array(rows * width);
  const tags: string[] = [];
  const offsets: number[] = [];
  kept.forEach((sentence) => {
    offsets.push(tags.length);
    tags.push(...sentence.tags);
  });
  for (const batch of equalLengthBatches(kept.map((sentence) => sentence.ids.length), options.maxBatchTokens ?? 2048)) {
    const members = batch.map((index) => kept[index] as AlignedSentence);
    const length = members[0]?.ids.length ?? 0;
    const flat = Int32Array.from(members.flatMap((sentence, row) => sentence.firstToken.map((position) => row * length + position)));
    const gathered = tf.tidy(() => {
      const ids = idMatrix(members.map((sentence) => sentence.ids));
      const both = tf.concat([model.arStates(ids), model.mlmStates(ids)], 2);
      return tf.gather(both.reshape([members.length * length, width]), tf.tensor1d(flat, 'int32'));
    });
    const data = gathered.dataSync();
    gathered.dispose();
    let read = 0;
    batch.forEach((index) => {
      const count = (kept[index] as AlignedSentence).firstToken.length;
      values.set(data.subarray(read * width, (read + count) * width), (offsets[index] as number) * width);
      read += count;
    });
    options.onProgress?.(batch.length);
  }
  return { rows, arWidth, mlmWidth, values, tags };
}
