import { temperatureSchedules } from '@maria-ts/annealer';
import { z } from 'zod';

/**
 * Request bodies of the HTTP API, validated with zod. Every failure becomes a 400 with a
 * JSON body listing the offending fields; the same schemas generate the OpenAPI document.
 * Limits (lengths, counts) are deliberate: they bound the work one request can ask for.
 */

/** Longest input accepted by default, in characters (the server also checks tokens). */
export const MAX_TEXT_CHARS = 20_000;

const sampling = {
  temperature: z.number().min(0).max(10).default(1).describe('0 means greedy'),
  topK: z.number().int().min(1).max(100_000).optional().describe('keep the k most likely tokens'),
  topP: z.number().gt(0).max(1).optional().describe('nucleus sampling mass'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional().describe('seeds the sampling; omitted, the server draws one and returns it'),
  stream: z.boolean().default(false).describe('answer with Server-Sent Events, one per filled token'),
};

export const infillRequestSchema = z
  .object({
    text: z.string().min(1).max(MAX_TEXT_CHARS).optional().describe('text with [MASK] markers'),
    ids: z.array(z.number().int().min(0)).min(1).max(4096).optional().describe('token ids, as an alternative to text'),
    masked: z.array(z.number().int().min(0)).min(1).optional().describe('positions of ids to fill (with ids)'),
    tokensPerMask: z.number().int().min(1).max(16).default(1).describe('tokens one [MASK] word stands for'),
    ...sampling,
  })
  .strict()
  .superRefine((body, context) => {
    if ((body.text === undefined) === (body.ids === undefined)) {
      context.addIssue({ code: 'custom', message: 'give exactly one of "text" or "ids"', path: ['text'] });
    }
    if (body.ids !== undefined && body.masked === undefined) {
      context.addIssue({ code: 'custom', message: '"masked" is required with "ids"', path: ['masked'] });
    }
    if (body.text !== undefined && body.masked !== undefined) {
      context.addIssue({ code: 'custom', message: '"masked" goes with "ids"; mark text with [MASK]', path: ['masked'] });
    }
    if (body.ids && body.masked) {
      const length = body.ids.length;
      const outside = body.masked.find((position) => position >= length);
      if (outside !== undefined) context.addIssue({ code: 'custom', message: `masked position ${outside} is outside ids (length ${length})`, path: ['masked'] });
      if (new Set(body.masked).size !== body.masked.length) context.addIssue({ code: 'custom', message: 'masked positions must be distinct', path: ['masked'] });
    }
    if (body.text !== undefined && !body.text.includes('[MASK]')) {
      context.addIssue({ code: 'custom', message: 'text has no [MASK] marker', path: ['text'] });
    }
  });

export const generateRequestSchema = z
  .object({
    length: z.number().int().min(2).max(1024).default(64).describe('tokens to generate'),
    iterations: z.number().int().min(0).max(256).default(8).describe('remask-and-resample iterations after the AR sample'),
    remask: z.number().gt(0).max(1).default(0.3).describe('share of positions remasked per iteration'),
    schedule: z.enum(scheduleNames()).default('linear').describe('temperature schedule from 1 to 0 over the iterations'),
    seed: sampling.seed,
    stream: sampling.stream,
  })
  .strict();

/** The annealer's schedule names, as a non-empty tuple for `z.enum`. */
function scheduleNames(): [string, ...string[]] {
  const names = temperatureSchedules.names();
  return names.length > 0 ? (names as [string, ...string[]]) : ['linear'];
}

export const scoreRequestSchema = z
  .object({
    text: z.string().min(1).max(MAX_TEXT_CHARS).describe('text to score'),
    rate: z.number().gt(0).lt(1).default(0.5).describe('masking rate'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0).describe('seeds which positions are masked'),
  })
  .strict();

export type InfillRequest = z.infer<typeof infillRequestSchema>;
export type GenerateRequest = z.infer<typeof generateRequestSchema>;
export type ScoreRequest = z.infer<typeof scoreRequestSchema>;

/** The JSON body of every 4xx: one line for humans plus the failing fields. */
export interface ValidationErrorBody {
  readonly error: 'InvalidRequest';
  readonly message: string;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

/** Parses `body` with `schema`, returning the typed value or the 400 body to send. */
export function validateRequest<T>(schema: z.ZodType<T>, body: unknown): { ok: true; value: T } | { ok: false; error: ValidationErrorBody } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  const first = issues[0];
  return { ok: false, error: { error: 'InvalidRequest', message: first ? `${first.path}: ${first.message}` : 'invalid request', issues } };
}
