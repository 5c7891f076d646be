/**
 * Defaults of `maria-train head` (and of `maria-bench init-curves`). lr 1e-4 (the paper uses
 * 5e-5): on the tiny dev backbones, 30 steps at 1e-4 lowered the validation loss steadily,
 * while 3e-4 and 1e-3 raised it.
 */
export const HEAD_TRAINING_DEFAULTS = { steps: 1000, batch: 8, lr: 1e-4, warmup: 50, weightDecay: 0, evalEvery: 50, evalBatches: 8, checkpointEvery: 100 } as const;
