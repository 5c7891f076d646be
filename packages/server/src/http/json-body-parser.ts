import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from './http-error.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Replaces fastify's body parsers with one strict JSON parser. Fastify's default decodes
 * the body as UTF-8 leniently, so invalid bytes would turn into U+FFFD and a non-UTF-8 body
 * would be accepted; this one decodes with a fatal decoder (400 `InvalidRequest` on bad
 * bytes), refuses a charset other than UTF-8 (415), then parses with fastify's own safe
 * JSON parser (which rejects `__proto__` and `constructor.prototype` keys).
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /charset=([^;]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(Object.assign(new Error(`unsupported charset "${charset}": send UTF-8 JSON`), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new InvalidRequestError('the body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
