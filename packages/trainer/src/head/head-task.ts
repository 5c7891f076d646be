import { InvalidArgumentError, type Rng } from '@maria-ts/core';
import { type FractionGate, headMaskedTokenLoss, maskedFeatures, type MariaModel, type MaskedFeatures } from '@maria-ts/fusion-head';
import { betaMaskSampler, type MaskSampler, sampleMaskBatch } from '@maria-ts/masking';
import type { TokenBatch, TrainingTask } from '../trainer/training-task.js';

export interface HeadTaskOptions {
  /** Per-sequence masking (default: the paper's Beta(2.5, 2.5) rate, at least one position). */
  readonly sampler?: MaskSampler;
  /** Train this fraction gate on the MLM half along with the head (opt-in; see `FractionGate`). */
  readonly gate?: FractionGate;
  /** Train only `gate`, the head frozen (a gate fitted on top of an already trained head). */
  readonly gateOnly?: boolean;
}

/**
 * The ids never masked: the tokenizer's special tokens (document separators, padding, the mask
 * token itself), and the ids the model has banned because its MLM has no such token (a pair at
 * permuted ids, see `vocabularyMap`): MARIA gives those probability 0, so as targets they would
 * only add an unbounded loss.
 */
export function unmaskableIds(model: MariaModel): number[] {
  const special = Object.values(model.tokenizer.specialTokens).filter((id): id is number => id !== undefined);
  return [...new Set([...special, ...model.vocabularyMap.banned])];
}

/**
 * MARIA head training as a `TrainingTask` (ARCHITECTURE.md §1.4): for each sequence draw r ~
 * Beta(2.5, 2.5) and mask each non-special position with probability r; the AR model reads
 * the clean ids, the MLM the masked ones. Both backbones are frozen: `prepare` runs them
 * outside the gradient scope and keeps only the aligned states at masked positions, and
 * `loss` is the head's mean cross-entropy there, so only W3 and b3 get gradients.
 */
export function headTrainingTask(model: MariaModel, options: HeadTaskOptions = {}): TrainingTask<MaskedFeatures> {
  const sampler = options.sampler ?? betaMaskSampler();
  const specialIds = unmaskableIds(model);
  const variables = model.head.variables();
  if (options.gateOnly && !options.gate) throw new InvalidArgumentError('gateOnly', true, 'a fraction gate to train (gateOnly trains the gate alone, the head frozen)');
  const headVariables = options.gateOnly ? [] : [variables.arWeight, variables.mlmWeight, variables.bias];
  return {
    variables: [...headVariables, ...(options.gate ? options.gate.variables() : [])],
    prepare(batch: TokenBatch, rng: Rng): MaskedFeatures {
      const rows = Array.from({ length: batch.batch }, (_, row) => batch.ids.subarray(row * batch.length, (row + 1) * batch.length));
      const { masks } = sampleMaskBatch(sampler, rows, rng, { specialIds });
      const mask = new Uint8Array(batch.batch * batch.length);
      masks.forEach((rowMask, row) => mask.set(rowMask, row * batch.length));
      return maskedFeatures(model, { ids: batch.ids, mask, batch: batch.batch, length: batch.length });
    },
    loss(_batch: TokenBatch, _rng: Rng, prepared?: MaskedFeatures) {
      if (prepared === undefined) throw new InvalidArgumentError('prepared', undefined, 'the masked features from prepare() (the trainer runs it before loss)');
      return headMaskedTokenLoss(model.head, prepared, options.gate);
    },
  };
}
