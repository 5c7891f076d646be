import * as tf from '@tensorflow/tfjs';
import type { MariaModel } from '@maria-ts/core';
import { cachedDecode } from './cached-decode.js';
import { readAndDispose, type InfillDecoder } from './infill-decoder.js';
import { backboneVocabLogits } from './vocab-logits.js';

/**
 * The AR-only baseline (ARCHITECTURE.md §1.7): plain KV-cached AR sampling at the masked positions,
 * `p_AR(x_i | x_<i)`, which ignores every token after i. It runs the same decode loop as
 * MARIA with the AR model's own vocab projection in place of the head, and no MLM pass.
 */
export const arOnlyDecoder: InfillDecoder = {
  method: 'ar',
  decode: (model: MariaModel, rows, context) =>
    cachedDecode(model, rows, context, () => ({
      logits: (hAR, decisions) => {
        const logits = tf.tidy(() => backboneVocabLogits(model.ar, tf.tensor2d(hAR, [decisions.length, hAR.length / decisions.length]), model.vocabSize));
        return readAndDispose(logits);
      },
      dispose: () => undefined,
    })),
};
