import type { FastifyInstance } from 'fastify';
import type { GenerateOutcome } from '../../engine/serve-engine.js';
import type { GenerateResponse } from '../../response-schemas.js';
import { generateRequestSchema } from '../../schemas.js';
import { checkLength, checkWork } from '../prepare-input.js';
import { generateWork } from '../request-work.js';
import { parseBody, type RouteContext } from '../route-context.js';
import { serveJob } from '../serve-job.js';

/**
 * `POST /v1/generate`: unconditional generation by simulated annealing (an AR sample, then
 * `iterations` rounds of remasking and resampling with MARIA). With `stream: true`, one
 * `progress` event per iteration carries the current text, then `done`.
 */
export function registerGenerateRoute(app: FastifyInstance, context: RouteContext): void {
  const { tokenizer } = context.limits;
  app.post('/v1/generate', async (request, reply) => {
    const body = parseBody(generateRequestSchema, request.body);
    checkLength('length', body.length, context.limits.maxTokens);
    checkWork('/v1/generate', generateWork(body.length, body.iterations, body.remask), context.limits.maxWork);
    const seed = body.seed ?? context.nextSeed();
    return serveJob<GenerateOutcome>({
      reply,
      stream: body.stream,
      timeoutMs: context.timeoutMs,
      shutdown: context.shutdown,
      submit: (signal, send) =>
        context.scheduler.submitGenerate({
          length: body.length,
          iterations: body.iterations,
          remask: body.remask,
          schedule: body.schedule,
          seed,
          signal,
          ...(body.stream
            ? { onProgress: (progress) => send('progress', { iteration: progress.iteration, iterations: progress.iterations, temperature: progress.temperature, text: tokenizer.decode([...progress.ids]), elapsedMs: progress.elapsedMs }) }
            : {}),
        }),
      body: (outcome): GenerateResponse => ({ text: tokenizer.decode(outcome.ids), tokens: outcome.ids, iterations: body.iterations, seed }),
    });
  });
}
