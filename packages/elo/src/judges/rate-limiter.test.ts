import { AbortedError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';
import { sleep } from './sleep.js';

describe('RateLimiter', () => {
  it('spaces request starts by 60 000 / requestsPerMinute ms, across concurrent callers', async () => {
    let clock = 1_000;
    const waits: number[] = [];
    const limiter = new RateLimiter(120, () => clock, async (milliseconds) => {
      waits.push(milliseconds);
    });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(waits).toEqual([500, 1000]);
    clock += 5_000; // after a long pause the next request starts at once
    await limiter.acquire();
    expect(waits).toEqual([500, 1000]);
    await limiter.acquire();
    expect(waits).toEqual([500, 1000, 500]);
  });

  it('does not wait with an unlimited rate, and rejects a non-positive one', async () => {
    const limiter = new RateLimiter(Infinity, () => 0, async () => {
      throw new Error('should not sleep');
    });
    await limiter.acquire();
    await limiter.acquire();
    expect(() => new RateLimiter(0)).toThrowError(/requestsPerMinute/);
  });
});

describe('sleep', () => {
  it('rejects with AbortedError when aborted, before or while waiting', async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toSatisfy(AbortedError.isInstance);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    await expect(sleep(10_000, controller.signal)).rejects.toSatisfy(AbortedError.isInstance);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
