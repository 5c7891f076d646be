import { defineError } from '@maria-ts/core';

/**
 * The work queue is at its bounded depth. The server answers 503 with `Retry-After` set to
 * `retryAfterSeconds`, its estimate of when a slot frees up, instead of queueing without bound.
 */
export const QueueFullError = defineError('QueueFull', (depth: number, retryAfterSeconds: number) => ({
  message: `the server is busy: ${depth} requests are already queued; retry in ${retryAfterSeconds} s`,
  details: { depth, retryAfterSeconds },
}));

/** The server is shutting down and takes no new work (503). */
export const ShuttingDownError = defineError('ShuttingDown', () => ({
  message: 'the server is shutting down',
  details: {},
}));
