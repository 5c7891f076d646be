/**
 * @maria-ts/serve: the `maria-serve` HTTP API. `createServer` builds the fastify app around
 * a `ServeEngine` (MARIA via `createMariaEngine`, or any implementation of the interface);
 * the request and response schemas validate bodies and generate the OpenAPI document.
 */
export * from './schemas.js';
export * from './response-schemas.js';
export { openApiDocument } from './openapi.js';
export { createServer, type MariaServer, type ServeOptions } from './server.js';
export type * from './engine/serve-engine.js';
export { createMariaEngine, type MariaEngineOptions } from './engine/maria-engine.js';
export { loadServeEngine, type ModelSource } from './engine/load-engine.js';
export { WorkScheduler, type BatchReport, type WorkSchedulerOptions } from './queue/work-scheduler.js';
export { QueueFullError, ShuttingDownError } from './queue/queue-full-error.js';
export { serveCommand } from './cli/serve-command.js';
