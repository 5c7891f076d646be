import { MariaError, defineError } from '@maria-ts/core';
import type { ErrorResponse } from '../response-schemas.js';
import { PASS_TOKEN_WEIGHT, type RequestWork } from './request-work.js';
import type { ValidationErrorBody } from '../schemas.js';

/**
 * A request that passed the schema but cannot be served as asked (an id outside the
 * vocabulary, a text with too many tokens, a marker the tokenizer cannot place): a 400.
 */
export const InvalidRequestError = defineError('InvalidRequest', (message: string, issues: ValidationErrorBody['issues'] = []) => ({
  message,
  details: { issues },
}));

/** The client did not send the bearer token the server was started with (401). */
export const UnauthorizedError = defineError('Unauthorized', () => ({
  message: 'missing or wrong bearer token (send "Authorization: Bearer <token>")',
  details: {},
}));

/** The request ran longer than the server's per-request timeout (504). */
export const RequestTimeoutError = defineError('RequestTimeout', (timeoutMs: number) => ({
  message: `the request took longer than the server's limit of ${timeoutMs} ms and was cancelled`,
  details: { timeoutMs },
}));

/**
 * A request that asks for more model work than this server accepts (`--max-work`): refused
 * with 422 before it queues, so it never holds the model slot until the timeout. The body
 * says the limit and what the request asked for.
 */
export const TooMuchWorkError = defineError('TooMuchWork', (route: string, requested: RequestWork, limit: number) => ({
  message: `${route}: this request asks for ${requested.work} decode steps of work (${requested.decodeSteps} tokens decoded one by one, weighted by position, and ${requested.passTokens} read in full passes at ${PASS_TOKEN_WEIGHT} step each), more than this server's limit of ${limit} (--max-work); ask for fewer tokens, masks or iterations`,
  details: { limit: { work: limit, unit: 'decode steps' }, requested: { ...requested } },
}));

/** An HTTP answer for an error: status, JSON body and extra headers. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorResponse;
  readonly headers: Record<string, string>;
}

/** Status codes of the deliberate errors the server answers with. */
const STATUS_BY_CODE: Record<string, number> = {
  InvalidRequest: 400,
  Unauthorized: 401,
  TooMuchWork: 422,
  // /v1/score masked a token the model cannot score (an id the model bans on a permuted-id pair).
  UnscorableTarget: 422,
  // The server checks lengths first (400 InvalidRequest); a backbone's own limit is the same fault.
  InputTooLong: 400,
  QueueFull: 503,
  ShuttingDown: 503,
  RequestTimeout: 504,
  // The client went away; nobody reads this, but metrics record it as nginx does.
  Aborted: 499,
};

/**
 * Turns any thrown value into the answer the client gets. Deliberate errors keep their
 * code and message; fastify's own 4xx errors (bad JSON, body too large, wrong media type)
 * keep theirs; anything else is a 500 whose body says only "internal error": no message
 * or stack trace of an unexpected error ever reaches the client (it goes to the log).
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (MariaError.isInstance(error)) {
    const status = STATUS_BY_CODE[error.code];
    if (status !== undefined) {
      const headers: Record<string, string> = {};
      if (error.code === 'QueueFull') headers['retry-after'] = String(error.details.retryAfterSeconds ?? 1);
      if (error.code === 'ShuttingDown') headers['retry-after'] = '5';
      if (error.code === 'Unauthorized') headers['www-authenticate'] = 'Bearer';
      const issues = error.details.issues as ErrorResponse['issues'];
      const work = error.code === 'TooMuchWork' ? { limit: error.details.limit as ErrorResponse['limit'], requested: error.details.requested as ErrorResponse['requested'] } : {};
      return { status, headers, body: { error: error.code, message: error.message, ...(issues && issues.length > 0 ? { issues } : {}), ...work } };
    }
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : 'bad request';
    return { status: statusCode, headers: {}, body: { error: typeof code === 'string' ? fastifyCodeName(code) : 'BadRequest', message } };
  }
  return { status: 500, headers: {}, body: { error: 'Internal', message: 'internal server error' } };
}

/** Fastify's codes (`FST_ERR_CTP_BODY_TOO_LARGE`) as stable names clients can branch on. */
function fastifyCodeName(code: string): string {
  const names: Record<string, string> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'BodyTooLarge',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'InvalidJson',
    FST_ERR_CTP_INVALID_JSON_BODY: 'InvalidJson',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidContentLength',
    FST_ERR_CTP_EMPTY_TYPE: 'UnsupportedMediaType',
    FST_ERR_CTP_INVALID_TYPE: 'UnsupportedMediaType',
  };
  return names[code] ?? (code.startsWith('FST_') ? 'BadRequest' : code);
}
