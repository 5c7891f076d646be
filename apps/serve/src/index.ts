/**
 * @maria-ts/serve: the `maria-serve` HTTP API. This module exports the request schemas that
 * validate every body (and will generate the OpenAPI document).
 */
export * from './schemas.js';
