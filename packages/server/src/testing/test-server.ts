import type { Tokenizer } from '@maria-ts/core';
import { loadTinyTokenizer } from '@maria-ts/model-tiny';
import { createServer, type MariaServer, type ServeOptions } from '../server.js';
import { createFakeEngine, type FakeEngine, type FakeEngineOptions } from './fake-engine.js';

let tokenizer: Promise<Tokenizer> | undefined;

/** The tiny tokenizer, loaded once per test file. */
export function tinyTokenizer(): Promise<Tokenizer> {
  tokenizer ??= loadTinyTokenizer();
  return tokenizer;
}

/** A server on a fake engine, listening on 127.0.0.1 at a free port. */
export interface TestServer {
  readonly server: MariaServer;
  readonly engine: FakeEngine;
  /** e.g. `http://127.0.0.1:43121` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a fake-engine server on a real port (for disconnects, streaming and 503s as a client sees them). */
export async function startTestServer(options: Partial<Omit<ServeOptions, 'engine'>> & { fake?: Omit<FakeEngineOptions, 'tokenizer'>; listen?: boolean } = {}): Promise<TestServer> {
  const { fake, listen = true, ...serveOptions } = options;
  const engine = createFakeEngine({ tokenizer: await tinyTokenizer(), ...fake });
  const server = await createServer({ engine, seed: 1, ...serveOptions });
  const url = listen ? await server.app.listen({ host: '127.0.0.1', port: 0 }) : '';
  return { server, engine, url, close: () => server.shutdown({ graceMs: 0, lingerMs: 20 }) };
}

/** One parsed server-sent event. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Parses a complete `text/event-stream` body into its events. */
export function parseEventStream(text: string): ServerSentEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

/** POSTs JSON to a live test server. */
export function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) }, body: JSON.stringify(body), ...(init.signal ? { signal: init.signal } : {}) });
}
