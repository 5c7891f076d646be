import { InvalidArgumentError } from '@maria-ts/core';

export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of warm-up. */
  readonly peak: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  /** Final rate as a share of the peak (the tiny recipe of ARCHITECTURE.md §2.3 decays to 10%). Default 0.1. */
  readonly finalRatio?: number;
}

/**
 * Linear warm-up from 0 to `peak` over `warmupSteps`, then cosine decay to
 * `finalRatio · peak` at `totalSteps` (held there afterwards). `step` counts from 0; the rate
 * returned is the one to use for that step's update.
 */
export function warmupCosine(options: WarmupCosineOptions): (step: number) => number {
  const { peak, warmupSteps, totalSteps } = options;
  const finalRatio = options.finalRatio ?? 0.1;
  if (!(peak > 0)) throw new InvalidArgumentError('peak learning rate', peak, 'a positive number');
  if (!(warmupSteps >= 0 && totalSteps > warmupSteps)) throw new InvalidArgumentError('schedule steps', { warmupSteps, totalSteps }, 'totalSteps > warmupSteps >= 0');
  return (step) => {
    if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return peak * (finalRatio + ((1 - finalRatio) * (1 + Math.cos(Math.PI * progress))) / 2);
  };
}
