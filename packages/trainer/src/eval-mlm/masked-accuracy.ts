import * as tf from '@tensorflow/tfjs';
import { type MLMBackbone, Rng, softmaxCrossEntropy } from '@maria-ts/core';
import { fixedRateMaskSampler } from '@maria-ts/masking';
import type { TokenBatch } from '../trainer/training-task.js';

/** Masked-token figures of an MLM over some batches. */
export interface MaskedTokenScore {
  readonly maskedTokens: number;
  /** Mean cross-entropy over the masked tokens, in nats. */
  readonly loss: number;
  /** Share of masked tokens whose argmax prediction is the true token. */
  readonly accuracy: number;
}

/**
 * Scores an MLM the way it was pretrained: each position of each sequence is replaced by the
 * mask token with probability `rate` (seeded, at least one per sequence), and the model
 * predicts the originals. Reports the mean cross-entropy and the argmax accuracy over all
 * masked tokens.
 */
export function scoreMaskedTokens(mlm: MLMBackbone, batches: Iterable<TokenBatch>, options: { rate: number; seed: number; onBatch?: () => void }): MaskedTokenScore {
  const sampler = fixedRateMaskSampler({ rate: options.rate });
  const rng = new Rng(options.seed);
  let count = 0;
  let lossSum = 0;
  let correct = 0;
  for (const batch of batches) {
    const input = Int32Array.from(batch.ids);
    const rows: number[] = [];
    const targets: number[] = [];
    for (let row = 0; row < batch.batch; row++) {
      const sample = sampler.sample(new Uint8Array(batch.length).fill(1), rng);
      sample.mask.forEach((flag, t) => {
        if (!flag) return;
        const flat = row * batch.length + t;
        input[flat] = mlm.maskTokenId;
        rows.push(flat);
        targets.push(batch.ids[flat] as number);
      });
    }
    const [summed, hits] = tf.tidy(() => {
      const { hidden } = mlm.forward(tf.tensor2d(input, [batch.batch, batch.length], 'int32'));
      const picked = tf.gather(hidden.reshape([batch.batch * batch.length, -1]), tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
      const logits = mlm.project(picked) as tf.Tensor2D;
      const labels = tf.tensor1d(targets, 'int32');
      return [tf.sum(softmaxCrossEntropy(logits, labels)), tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))];
    });
    lossSum += summed.dataSync()[0] as number;
    correct += hits.dataSync()[0] as number;
    tf.dispose([summed, hits]);
    count += targets.length;
    options.onBatch?.();
  }
  return { maskedTokens: count, loss: lossSum / count, accuracy: correct / count };
}
