import type { FastifyInstance } from 'fastify';
import type { ScoreOutcome } from '../../engine/serve-engine.js';
import type { ScoreResponse } from '../../response-schemas.js';
import { scoreRequestSchema } from '../../schemas.js';
import { checkWork, prepareScore } from '../prepare-input.js';
import { scoreWork } from '../request-work.js';
import { parseBody, type RouteContext } from '../route-context.js';
import { serveJob } from '../serve-job.js';

/**
 * `POST /v1/score`: MARIA's exact masked perplexity of a text: ⌈rate · n⌉ of its n
 * non-special tokens are masked (chosen by `seed`, as `maria-bench ppl` chooses them) and
 * scored by teacher forcing (one AR pass on the clean text, one MLM pass on the masked one).
 */
export function registerScoreRoute(app: FastifyInstance, context: RouteContext): void {
  app.post('/v1/score', async (request, reply) => {
    const body = parseBody(scoreRequestSchema, request.body);
    const { ids, masked } = prepareScore(body.text, body.rate, body.seed, context.limits);
    checkWork('/v1/score', scoreWork(ids.length), context.limits.maxWork);
    return serveJob<ScoreOutcome>({
      reply,
      stream: false,
      timeoutMs: context.timeoutMs,
      shutdown: context.shutdown,
      submit: (signal) => context.scheduler.submitScore({ ids, masked, signal }),
      body: (outcome): ScoreResponse => ({ ...outcome, tokens: ids.length, masked }),
    });
  });
}
