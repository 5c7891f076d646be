import type { TokenShards } from '../corpus/open-shards.js';
import type { BatchSource, TokenBatch } from '../trainer/training-task.js';

/**
 * Feeds the trainer from token shards: micro-batch `m` of step `s` is batch `s·A + m` of a
 * seeded, per-epoch shuffled stream over the training split (A = accumulation), and the
 * validation batches are the validation split in file order.
 */
export function shardBatchSource(shards: TokenShards, options: { batchSize: number; accumulation: number; seed: number }): BatchSource {
  const train = shards.split('train');
  const validation = shards.split('val');
  const toBatch = (ids: Int32Array, batch: number, length: number): TokenBatch => ({ ids, batch, length });
  return {
    train(step, micro) {
      const batch = train.batchAt(step * options.accumulation + micro, { batchSize: options.batchSize, seed: options.seed });
      return toBatch(batch.ids, batch.batchSize, batch.sequenceLength);
    },
    validationBatches: Math.floor(validation.sequenceCount / options.batchSize),
    validation(index) {
      const batch = validation.batchAt(index, { batchSize: options.batchSize, shuffle: false });
      return toBatch(batch.ids, batch.batchSize, batch.sequenceLength);
    },
  };
}
