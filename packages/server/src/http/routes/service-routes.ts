import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../../openapi.js';
import type { ServeMetrics } from '../serve-metrics.js';
import type { RouteContext } from '../route-context.js';

/** `GET /healthz` (no token needed), `GET /metrics` (Prometheus text) and `GET /openapi.json`. */
export function registerServiceRoutes(app: FastifyInstance, context: RouteContext, metrics: ServeMetrics): void {
  app.get('/healthz', async (_request, reply) => {
    const shuttingDown = context.isShuttingDown();
    reply.code(shuttingDown ? 503 : 200);
    return { status: shuttingDown ? 'shutting-down' : 'ok', model: context.engine.name, queueDepth: context.scheduler.depth, active: context.scheduler.active };
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.render();
    reply.type(contentType);
    return text;
  });
  const document = openApiDocument();
  app.get('/openapi.json', async () => document);
}
