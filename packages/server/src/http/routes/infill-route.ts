import type { FastifyInstance } from 'fastify';
import type { InfillOutcome } from '../../engine/serve-engine.js';
import type { InfillResponse } from '../../response-schemas.js';
import { infillRequestSchema } from '../../schemas.js';
import { InfillTextStream } from '../infill-text-stream.js';
import { checkWork, prepareInfill } from '../prepare-input.js';
import { infillWork } from '../request-work.js';
import { parseBody, type RouteContext } from '../route-context.js';
import { serveJob } from '../serve-job.js';

/**
 * `POST /v1/infill`: fills the `[MASK]` markers of a text (or the masked positions of ids)
 * with Algorithm 1. With `stream: true` the answer is an event stream: `start` (the tokens
 * with the masked positions empty, and the decoded text before the first of them), one
 * `token` event per filled token in decoding order carrying the decoded text it added (an
 * `InfillTextStream` delta: a token may be part of a character, so its own `piece` is not
 * text to show), then `done` with the same body a plain request gets.
 */
export function registerInfillRoute(app: FastifyInstance, context: RouteContext): void {
  const { tokenizer } = context.limits;
  const piece = (id: number) => tokenizer.decode([id]);
  app.post('/v1/infill', async (request, reply) => {
    const body = parseBody(infillRequestSchema, request.body);
    const { ids, masked, spans } = prepareInfill(body, context.limits);
    checkWork('/v1/infill', infillWork(ids.length, masked), context.limits.maxWork);
    const seed = body.seed ?? context.nextSeed();
    const maskedSet = new Set(masked);
    const text = body.stream ? new InfillTextStream(tokenizer, ids, masked) : undefined;
    const sampling = { temperature: body.temperature, ...(body.topK !== undefined ? { topK: body.topK } : {}), ...(body.topP !== undefined ? { topP: body.topP } : {}) };
    return serveJob<InfillOutcome>({
      reply,
      stream: body.stream,
      timeoutMs: context.timeoutMs,
      shutdown: context.shutdown,
      start: { event: 'start', data: { tokens: ids, masked, pieces: ids.map((id, index) => (maskedSet.has(index) ? '' : piece(id))), seed, ...text?.start() } },
      submit: (signal, send) =>
        context.scheduler.submitInfill({
          ids,
          masked,
          ...(spans ? { spans } : {}),
          sampling,
          seed,
          signal,
          ...(text ? { onToken: (token) => send('token', { ...token, piece: piece(token.id), ...text.fill(token.index, token.id) }) } : {}),
        }),
      body: (outcome): InfillResponse => ({
        text: tokenizer.decode(outcome.ids),
        tokens: outcome.ids,
        masked,
        filled: outcome.filled.map((token) => ({ ...token, piece: piece(token.id) })),
        seed,
      }),
    });
  });
}
