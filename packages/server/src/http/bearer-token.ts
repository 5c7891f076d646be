import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './http-error.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <token>` against the server's token in constant time (both
 * sides are hashed first, so neither the content nor the length leaks through timing).
 * Throws the 401 `UnauthorizedError` on a missing or wrong token.
 */
export function createBearerCheck(token: string): (authorization: string | undefined) => void {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const given = match?.[1]?.trim();
    if (given === undefined || !timingSafeEqual(digest(given), expected)) throw new UnauthorizedError();
  };
}
