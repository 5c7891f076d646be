import { z } from 'zod';
import {
  errorResponseSchema,
  generateProgressEventSchema,
  generateResponseSchema,
  healthResponseSchema,
  infillResponseSchema,
  infillStartEventSchema,
  infillTokenEventSchema,
  filledTokenSchema,
  scoreResponseSchema,
} from './response-schemas.js';
import { generateRequestSchema, infillRequestSchema, scoreRequestSchema } from './schemas.js';

type JsonSchema = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, the dialect OpenAPI 3.1 uses), inputs with their defaults. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [String(code), { description: ERROR_DESCRIPTIONS[code] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request (bad JSON or UTF-8, a schema violation, too many tokens)',
  401: 'missing or wrong bearer token',
  413: 'body larger than the server accepts',
  415: 'not application/json (UTF-8)',
  422: 'the request asks for more model work than the server accepts (TooMuchWork: the body has limit and requested), or /v1/score masked a token the model cannot score (UnscorableTarget: an id the model bans; try another seed)',
  503: 'queue full or shutting down; see Retry-After',
  504: 'the request ran past the per-request timeout',
};

const modelRoute = (summary: string, request: string, response: string, streamNote: string) => ({
  post: {
    summary,
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${request}` } } } },
    responses: {
      '200': {
        description: `the result; with "stream": true, a text/event-stream instead: ${streamNote}`,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${response}` } }, 'text/event-stream': { schema: { type: 'string' } } },
      },
      ...errors(400, 401, 413, 415, 422, 503, 504),
    },
  },
});

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate
 * requests and (in the tests) responses, so it cannot drift from the server. Served at
 * `GET /openapi.json`. Cross-field rules (exactly one of text or ids, a [MASK] in text)
 * are in the descriptions, since JSON Schema cannot say them the way zod checks them.
 */
export function openApiDocument(): JsonSchema {
  const security = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    info: { title: 'maria-serve', version: '0.0.0', description: 'MARIA infilling, annealed generation and masked perplexity over HTTP.' },
    security,
    paths: {
      '/v1/infill': modelRoute(
        'Fill [MASK] markers (text) or masked positions (ids) with MARIA (Algorithm 1). Give exactly one of text or ids; text must contain [MASK].',
        'InfillRequest',
        'InfillResponse',
        'event "start" (InfillStartEvent), one "token" per filled token (InfillTokenEvent: the decoded text it added), then "done" (InfillResponse) or "error" (Error)',
      ),
      '/v1/generate': modelRoute(
        'Generate by simulated annealing: an AR sample, then remask-and-resample iterations.',
        'GenerateRequest',
        'GenerateResponse',
        'one "progress" event per iteration (GenerateProgressEvent), then "done" or "error"',
      ),
      '/v1/score': modelRoute('Exact masked perplexity of a text at a masking rate and seed.', 'ScoreRequest', 'ScoreResponse', 'not streamed'),
      '/healthz': {
        get: {
          summary: 'Liveness; needs no token.',
          security: [],
          responses: {
            '200': { description: 'serving', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
            '503': { description: 'shutting down', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
          },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics (text exposition format).', responses: { '200': { description: 'metrics', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401) } } },
      '/openapi.json': { get: { summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors(401) } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'only when the server was started with --token or MARIA_SERVE_TOKEN' } },
      schemas: {
        InfillRequest: jsonSchema(infillRequestSchema, 'input'),
        GenerateRequest: jsonSchema(generateRequestSchema, 'input'),
        ScoreRequest: jsonSchema(scoreRequestSchema, 'input'),
        InfillResponse: jsonSchema(infillResponseSchema, 'output'),
        InfillStartEvent: jsonSchema(infillStartEventSchema, 'output'),
        FilledToken: jsonSchema(filledTokenSchema, 'output'),
        InfillTokenEvent: jsonSchema(infillTokenEventSchema, 'output'),
        GenerateResponse: jsonSchema(generateResponseSchema, 'output'),
        GenerateProgressEvent: jsonSchema(generateProgressEventSchema, 'output'),
        ScoreResponse: jsonSchema(scoreResponseSchema, 'output'),
        Health: jsonSchema(healthResponseSchema, 'output'),
        Error: jsonSchema(errorResponseSchema, 'output'),
      },
    },
  };
}
