import { InvalidArgumentError } from '@maria-ts/core';
import { type Sleep, sleep as realSleep } from './sleep.js';

/**
 * Spaces request starts at least `60 000 / requestsPerMinute` ms apart, across any number
 * of concurrent callers: each `acquire` reserves the next free slot and waits for it.
 * Hosted judges enforce per-minute quotas, and staying under them is cheaper than
 * collecting 429s and backing off.
 */
export class RateLimiter {
  private readonly interval: number;
  private nextSlot = -Infinity;

  constructor(
    requestsPerMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {
    if (!(requestsPerMinute > 0)) throw new InvalidArgumentError('requestsPerMinute', requestsPerMinute, 'a positive number (Infinity for no limit)');
    this.interval = 60_000 / requestsPerMinute;
  }

  /** Resolves when the caller may start its request; rejects with `AbortedError` on abort. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot + this.interval);
    this.nextSlot = slot;
    if (slot > now) await this.sleep(slot - now, signal);
  }
}
