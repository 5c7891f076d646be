import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** The playground's folder: `public/` beside `src/` and `dist/`, so source and build both find it. */
export const PLAYGROUND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../public');

/** The playground's files and their types; these paths need no token (they hold no data). */
export const PLAYGROUND_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground.js': { file: 'playground.js', type: 'text/javascript; charset=utf-8' },
  '/playground.css': { file: 'playground.css', type: 'text/css; charset=utf-8' },
};

/**
 * Serves the playground page: plain HTML, CSS and JavaScript read once at start, with a
 * content security policy that allows only this origin, so nothing loads from a CDN.
 */
export function registerPlaygroundRoutes(app: FastifyInstance): void {
  for (const [route, { file, type }] of Object.entries(PLAYGROUND_FILES)) {
    const content = readFileSync(path.join(PLAYGROUND_DIR, file));
    app.get(route, async (_request, reply) => {
      reply.type(type).header('content-security-policy', "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'");
      return content;
    });
  }
}
