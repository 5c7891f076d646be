import { AbortedError } from '@maria-ts/core';

/** Waits `milliseconds`, or rejects with `AbortedError(what)` as soon as `signal` aborts. */
export type Sleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

/** The real-time `Sleep`; judges take a `Sleep` option so tests can inject time. */
export const sleep: Sleep = (milliseconds, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError('judge wait'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('judge wait'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, milliseconds));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
