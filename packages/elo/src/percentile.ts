import { InvalidArgumentError } from '@maria-ts/core';

/**
 * The q-quantile of `sorted` (ascending) with linear interpolation between order
 * statistics, NumPy's default, which the Arena notebooks use for their intervals.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new InvalidArgumentError('values', [], 'at least one value');
  if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError('quantile', q, 'a number in [0, 1]');
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lower = sorted[below] as number;
  return lower + (position - below) * ((sorted[above] as number) - lower);
}
