import { AbortedError } from '@maria-ts/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runInterruptible } from './run-interruptible.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('runInterruptible', () => {
  it('aborts the signal on SIGINT, reports the abort in one line, and removes its listener', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const listeners = process.listenerCount('SIGINT');
    let seen: AbortSignal | undefined;
    await runInterruptible(async (signal) => {
      seen = signal;
      expect(process.listenerCount('SIGINT')).toBe(listeners + 1);
      process.emit('SIGINT');
      expect(signal.aborted).toBe(true);
      throw new AbortedError('infill');
    });
    expect(seen?.aborted).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(process.exitCode).toBe(1);
  });

  it('leaves the signal alone and removes the listener when the command finishes', async () => {
    const listeners = process.listenerCount('SIGINT');
    let seen: AbortSignal | undefined;
    await runInterruptible(async (signal) => {
      seen = signal;
    });
    expect(seen?.aborted).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(process.exitCode).toBeUndefined();
  });
});
