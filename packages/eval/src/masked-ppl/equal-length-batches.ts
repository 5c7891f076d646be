import { InvalidArgumentError } from '@maria-ts/core';

/**
 * Groups example indices into batches of equal sequence length, each of at most
 * `maxBatchTokens` tokens (at least one example), in order of first appearance. Equal
 * lengths mean no padding, so bidirectional encoders need no attention mask and a batched
 * pass computes exactly what one pass per example would.
 */
export function equalLengthBatches(lengths: readonly number[], maxBatchTokens: number): number[][] {
  if (!Number.isInteger(maxBatchTokens) || maxBatchTokens < 1) throw new InvalidArgumentError('maxBatchTokens', maxBatchTokens, 'an integer ≥ 1');
  const groups = new Map<number, number[]>();
  lengths.forEach((length, index) => {
    const group = groups.get(length);
    if (group) group.push(index);
    else groups.set(length, [index]);
  });
  const batches: number[][] = [];
  for (const [length, indices] of groups) {
    const rows = Math.max(1, Math.floor(maxBatchTokens / Math.max(1, length)));
    for (let start = 0; start < indices.length; start += rows) batches.push(indices.slice(start, start + rows));
  }
  return batches;
}
