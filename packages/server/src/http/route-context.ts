import type { z } from 'zod';
import type { ServeEngine } from '../engine/serve-engine.js';
import type { WorkScheduler } from '../queue/work-scheduler.js';
import { validateRequest } from '../schemas.js';
import { InvalidRequestError } from './http-error.js';
import type { InputLimits } from './prepare-input.js';

/** What every route handler shares. */
export interface RouteContext {
  readonly engine: ServeEngine;
  readonly scheduler: WorkScheduler;
  readonly limits: InputLimits;
  readonly timeoutMs: number;
  /** Fires when the server gives up on in-flight work during shutdown. */
  readonly shutdown: AbortSignal;
  /** True once shutdown has begun. */
  readonly isShuttingDown: () => boolean;
  /** A seed for a request that sent none (from the server's own seeded stream). */
  readonly nextSeed: () => number;
}

/** Validates a body with a request schema; a failure throws the 400 with every failing field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = validateRequest(schema, body);
  if (!result.ok) throw new InvalidRequestError(result.error.message, result.error.issues);
  return result.value;
}
