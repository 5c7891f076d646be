import { ShapeMismatchError, type Rng } from '@maria-ts/core';
import { requireEligiblePositions } from './bernoulli-mask.js';
import { eligiblePositions, type PositionFlags } from './eligibility.js';
import type { MaskSample, MaskSampler } from './mask-sampler.js';

/** What may be masked in a batch. */
export interface BatchEligibilityOptions {
  /** [batch][length] flags, truthy = may be masked; usually the attention mask. */
  readonly eligible?: readonly PositionFlags[];
  /** Ids never masked in any row (BOS/EOS, PAD, CLS/SEP, the mask token). */
  readonly specialIds?: Iterable<number>;
}

/** Masks for a batch, one `MaskSample` per row. */
export interface BatchMaskSample<Sample extends MaskSample = MaskSample> {
  readonly samples: Sample[];
  /** `samples[b].mask`, for convenience. */
  readonly masks: Uint8Array[];
  /** `samples[b].rate`. */
  readonly rates: Float64Array;
}

/**
 * Draws one mask per row of a [batch][length] id array with `sampler`, rows in order from
 * the same `rng` (so the batch is reproducible from one seed). Rows may differ in length.
 * Each row's eligible positions are those whose `eligible` flag is set and whose id is not
 * in `specialIds`; a row with none throws `NoEligiblePositionsError` naming the row.
 */
export function sampleMaskBatch<Sample extends MaskSample>(
  sampler: MaskSampler<Sample>,
  ids: readonly ArrayLike<number>[],
  rng: Rng,
  options: BatchEligibilityOptions = {},
): BatchMaskSample<Sample> {
  const { eligible } = options;
  if (eligible !== undefined && eligible.length !== ids.length) {
    throw new ShapeMismatchError('eligible flags (rows)', [eligible.length], [ids.length]);
  }
  const specialIds = [...(options.specialIds ?? [])];
  const samples = ids.map((row, index) => {
    const rowEligible = eligiblePositions(row, { eligible: eligible?.[index], specialIds });
    requireEligiblePositions(rowEligible, `batch row ${index}`);
    return sampler.sample(rowEligible, rng, { index, size: ids.length });
  });
  return {
    samples,
    masks: samples.map((sample) => sample.mask),
    rates: Float64Array.from(samples, (sample) => sample.rate),
  };
}

/** A rectangular batch of masks as one row-major buffer, ready for `tf.tensor2d(data, shape)`. */
export interface StackedMasks {
  readonly data: Float32Array;
  readonly shape: [number, number];
}

/**
 * Stacks equal-length masks into a [batch, length] float 0/1 buffer, the form the training
 * loss uses as per-position weights. Ragged rows are a `ShapeMismatchError`.
 */
export function stackMasks(masks: readonly ArrayLike<number>[]): StackedMasks {
  const length = masks[0]?.length ?? 0;
  const data = new Float32Array(masks.length * length);
  masks.forEach((mask, row) => {
    if (mask.length !== length) throw new ShapeMismatchError(`mask row ${row}`, [mask.length], [length]);
    for (let position = 0; position < length; position++) data[row * length + position] = mask[position] ? 1 : 0;
  });
  return { data, shape: [masks.length, length] };
}

/**
 * Row-major flat indices b·length + i of every masked position of a rectangular batch,
 * ascending. Gathering these rows from a [batch·length, d] tensor computes MARIA's head
 * for all masked positions in one pass.
 */
export function flatMaskedIndices(masks: readonly ArrayLike<number>[]): Int32Array {
  const length = masks[0]?.length ?? 0;
  const indices: number[] = [];
  masks.forEach((mask, row) => {
    if (mask.length !== length) throw new ShapeMismatchError(`mask row ${row}`, [mask.length], [length]);
    for (let position = 0; position < length; position++) if (mask[position]) indices.push(row * length + position);
  });
  return Int32Array.from(indices);
}
