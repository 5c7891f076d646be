import { z } from 'zod';

/**
 * Response bodies of the HTTP API. They document the API (the OpenAPI document is generated
 * from them) and the tests parse every live response with them, so the document cannot
 * drift from what the server sends.
 */

export const filledTokenSchema = z.object({
  index: z.number().int().describe('position in tokens'),
  id: z.number().int(),
  piece: z.string().describe('the decoded token'),
});

/** `POST /v1/infill`, and the `done` event of its stream (the CLI's `maria infill --json` shape). */
export const infillResponseSchema = z.object({
  text: z.string().describe('the input with every [MASK] filled'),
  tokens: z.array(z.number().int()).describe('the filled token ids'),
  masked: z.array(z.number().int()).describe('positions that were filled'),
  filled: z.array(filledTokenSchema).describe('fills in decoding order'),
  seed: z.number().int().describe('the seed used; send it back to reproduce the result'),
});

/** The `start` event of an infill stream: the sequence before filling, and its text up to the first masked position. */
export const infillStartEventSchema = z.object({
  tokens: z.array(z.number().int()).describe('input ids, with the mask token at masked positions'),
  masked: z.array(z.number().int()),
  pieces: z.array(z.string()).describe('decoded token per position ("" at masked positions); a piece may be part of a character'),
  seed: z.number().int(),
  text: z.string().describe('decoded text before the first masked position; the token events\' `text` continue it'),
  pending: z.array(z.string()).describe('per masked position, a preview of the unmasked text after it up to the next one'),
});

/** A `token` event of an infill stream: one filled token and the decoded text it added. */
export const infillTokenEventSchema = filledTokenSchema.extend({
  text: z.string().describe('text added to the decoded output: the fill, then the unmasked text up to the next masked position (a character split across tokens arrives whole, with the token that completes it)'),
  fill: z.string().describe('the leading part of `text` that this filled token completed'),
});

export const generateResponseSchema = z.object({
  text: z.string(),
  tokens: z.array(z.number().int()),
  iterations: z.number().int(),
  seed: z.number().int(),
});

/** A `progress` event of a generate stream: the sequence after an iteration (0 is the AR sample). */
export const generateProgressEventSchema = z.object({
  iteration: z.number().int(),
  iterations: z.number().int(),
  temperature: z.number(),
  text: z.string(),
  elapsedMs: z.number(),
});

export const scoreResponseSchema = z.object({
  perplexity: z.number().describe('exp(mean NLL over the masked tokens)'),
  negativeLogLikelihood: z.number().describe('summed NLL in nats'),
  tokens: z.number().int().describe('tokens in the text'),
  masked: z.array(z.number().int()).describe('positions masked and scored'),
});

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'shutting-down']),
  model: z.string(),
  queueDepth: z.number().int(),
  active: z.number().int(),
});

/** The JSON body of every 4xx and 5xx: a code, one line for humans, and details. */
export const errorResponseSchema = z.object({
  error: z.string().describe('machine-readable code, e.g. InvalidRequest, QueueFull'),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  limit: z.object({ work: z.number().int(), unit: z.literal('decode steps') }).optional().describe('TooMuchWork (422): the most work one request may ask for (--max-work)'),
  requested: z
    .object({ work: z.number().int(), decodeSteps: z.number().int(), passTokens: z.number().int() })
    .optional()
    .describe('TooMuchWork (422): what the request asked for: decode steps plus a quarter step per token read in a full pass'),
});

export type InfillResponse = z.infer<typeof infillResponseSchema>;
export type GenerateResponse = z.infer<typeof generateResponseSchema>;
export type ScoreResponse = z.infer<typeof scoreResponseSchema>;
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
