import { getRandomValues } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { InvalidArgumentError, Rng, terminalSafeJson } from '@maria-ts/core';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ServeEngine } from './engine/serve-engine.js';
import { createBearerCheck } from './http/bearer-token.js';
import { errorAnswer } from './http/http-error.js';
import { installJsonBodyParser } from './http/json-body-parser.js';
import { infillWork } from './http/request-work.js';
import type { RouteContext } from './http/route-context.js';
import { registerGenerateRoute } from './http/routes/generate-route.js';
import { registerInfillRoute } from './http/routes/infill-route.js';
import { PLAYGROUND_FILES, registerPlaygroundRoutes } from './http/routes/playground-routes.js';
import { registerScoreRoute } from './http/routes/score-route.js';
import { registerServiceRoutes } from './http/routes/service-routes.js';
import { ServeMetrics } from './http/serve-metrics.js';
import { WorkScheduler } from './queue/work-scheduler.js';

/** Options of `createServer`; every limit has a default meant for one small CPU box. */
export interface ServeOptions {
  readonly engine: ServeEngine;
  /** Bearer token required on every route but /healthz and the playground's static files. */
  readonly token?: string;
  /** Requests that may wait for the model (default 32); more get 503 + Retry-After. */
  readonly maxQueued?: number;
  /** Infill requests decoded together in one batch (default 8). */
  readonly maxBatch?: number;
  /** Per-request limit in milliseconds, queueing included (default 60 000); past it, 504. */
  readonly timeoutMs?: number;
  /** Largest request body in bytes (default 256 KiB); larger gets 413. */
  readonly bodyLimitBytes?: number;
  /** Most tokens in one request (default the model's limit, at most 1024). */
  readonly maxTokens?: number;
  /**
   * Most model work one request may ask for, in decode steps (`http/request-work.ts`); more
   * is refused with 422 `TooMuchWork` before it queues, and an infill batch stops growing at
   * this much work in all. Default: no limit. `maria-serve` sets it from `--max-work` or from
   * a cost measured at start (`measureWorkLimit`), so that accepted requests finish within
   * the timeout.
   */
  readonly maxWork?: number;
  /** Seeds the stream that picks seeds for requests without one (default: random). */
  readonly seed?: number;
  /** fastify's logger option (default off). */
  readonly logger?: FastifyServerOptions['logger'];
}

/** A built server: the fastify app (use `listen` or `inject`) and its parts. */
export interface MariaServer {
  readonly app: FastifyInstance;
  readonly scheduler: WorkScheduler;
  readonly metrics: ServeMetrics;
  /**
   * Graceful shutdown: refuse new work (503), let queued and running requests finish for up
   * to `graceMs` (default 10 000), then cancel whatever is left, close the listener (open
   * connections are cut `lingerMs` later, default 500) and dispose of the engine. Safe to
   * call more than once.
   */
  shutdown(options?: { graceMs?: number; lingerMs?: number }): Promise<void>;
}

/** Builds the HTTP server around an engine (see `ServeOptions` for the limits). */
export async function createServer(options: ServeOptions): Promise<MariaServer> {
  const { engine } = options;
  const maxQueued = positiveInteger('maxQueued', options.maxQueued ?? 32);
  const maxBatch = positiveInteger('maxBatch', options.maxBatch ?? 8);
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 60_000);
  const bodyLimit = positiveInteger('bodyLimitBytes', options.bodyLimitBytes ?? 256 * 1024);
  const maxTokens = positiveInteger('maxTokens', options.maxTokens ?? Math.min(engine.maxLength, 1024));
  const maxWork = options.maxWork === undefined ? Number.POSITIVE_INFINITY : positiveInteger('maxWork', options.maxWork);
  const seeds = new Rng(options.seed ?? (getRandomValues(new Uint32Array(1))[0] as number));

  const app = Fastify({ logger: options.logger ?? false, bodyLimit, requestTimeout: 30_000, return503OnClosing: true });
  installJsonBodyParser(app);
  const metrics: ServeMetrics = new ServeMetrics({ queueDepth: () => scheduler.depth, active: () => scheduler.active, tensorCount: () => engine.tensorCount() });
  const scheduler = new WorkScheduler(engine, {
    maxQueued,
    maxBatch,
    maxBatchWork: maxWork,
    workOf: (job) => infillWork(job.ids.length, job.masked).work,
    onBatch: (report) => metrics.observeBatch(report),
  });

  const shutdownController = new AbortController();
  setMaxListeners(0, shutdownController.signal); // one listener per in-flight request
  let shuttingDown = false;
  const context: RouteContext = {
    engine,
    scheduler,
    limits: { tokenizer: engine.tokenizer, maskTokenId: engine.maskTokenId, vocabSize: engine.vocabSize, maxTokens, maxWork },
    timeoutMs,
    shutdown: shutdownController.signal,
    isShuttingDown: () => shuttingDown,
    nextSeed: () => seeds.nextUint32(),
  };

  app.addHook('onRequest', async (request, reply) => {
    const started = performance.now();
    reply.raw.once('close', () => {
      const status = reply.raw.writableEnded ? reply.raw.statusCode : 499;
      metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', status, (performance.now() - started) / 1000);
    });
  });
  if (options.token !== undefined) {
    if (options.token.length === 0) throw new InvalidArgumentError('token', '', 'a non-empty string');
    const check = createBearerCheck(options.token);
    const open = new Set(['/healthz', ...Object.keys(PLAYGROUND_FILES)]);
    app.addHook('onRequest', async (request) => {
      if (!open.has(request.url.split('?')[0] ?? '')) check(request.headers.authorization);
    });
  }
  app.setErrorHandler((error, request, reply) => {
    const answer = errorAnswer(error);
    if (answer.status === 500) request.log.error(error);
    if (answer.body.error === 'QueueFull') metrics.observeRejection();
    // Serialized here so C1 and bidi controls in a quoted value reach a client's terminal or log as \uXXXX.
    return reply.code(answer.status).headers(answer.headers).type('application/json; charset=utf-8').send(terminalSafeJson(answer.body));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(terminalSafeJson({ error: 'NotFound', message: `no route ${request.method} ${request.url.slice(0, 200)}` })),
  );

  registerInfillRoute(app, context);
  registerGenerateRoute(app, context);
  registerScoreRoute(app, context);
  registerServiceRoutes(app, context, metrics);
  registerPlaygroundRoutes(app);
  await app.ready();

  let closing: Promise<void> | undefined;
  const shutdown = (shutdownOptions: { graceMs?: number; lingerMs?: number } = {}) => {
    closing ??= (async () => {
      shuttingDown = true;
      scheduler.close();
      const graceMs = shutdownOptions.graceMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        scheduler.whenIdle().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        shutdownController.abort();
        scheduler.close({ cancelWaiting: true });
        await scheduler.whenIdle();
      }
      // Node's close() ends idle keep-alive sockets but waits for ones that never sent a
      // request; once the model work is over, give answers a moment to flush, then cut them.
      const linger = setTimeout(() => app.server.closeAllConnections(), shutdownOptions.lingerMs ?? 500);
      await app.close();
      clearTimeout(linger);
      engine.dispose();
    })();
    return closing;
  };
  return { app, scheduler, metrics, shutdown };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(name, value, 'an integer >= 1');
  return value;
}
