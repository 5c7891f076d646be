/**
 * @maria-ts/server: the MARIA HTTP API as a library (`maria-serve` is a thin command over it). `createServer` builds the fastify app around
 * a `ServeEngine` (MARIA via `createMariaEngine`, or any implementation of the interface);
 * the request and response schemas validate bodies and generate the OpenAPI document.
 */
export { type GenerateRequest, generateRequestSchema, type InfillRequest, infillRequestSchema, MAX_TEXT_CHARS, type ScoreRequest, scoreRequestSchema, validateRequest, type ValidationErrorBody } from './schemas.js';
export { type ErrorResponse, errorResponseSchema, filledTokenSchema, generateProgressEventSchema, type GenerateResponse, generateResponseSchema, healthResponseSchema, type InfillResponse, infillResponseSchema, infillStartEventSchema, infillTokenEventSchema, type ScoreResponse, scoreResponseSchema } from './response-schemas.js';
export { openApiDocument } from './openapi.js';
export { createServer, type MariaServer, type ServeOptions } from './server.js';
export type { FilledToken, GenerateJob, GenerateOutcome, GenerateProgress, InfillJob, InfillOutcome, SamplingSettings, ScoreJob, ScoreOutcome, ServeEngine } from './engine/serve-engine.js';
export { createMariaEngine, type MariaEngineOptions } from './engine/maria-engine.js';
export { loadServeEngine, type ModelSource } from './engine/load-engine.js';
export { WorkScheduler, type BatchReport, type WorkSchedulerOptions } from './queue/work-scheduler.js';
export { QueueFullError, ShuttingDownError } from './queue/queue-full-error.js';
export { measureWorkLimit } from './engine/measure-work-limit.js';
export { generateWork, infillWork, type RequestWork } from './http/request-work.js';
