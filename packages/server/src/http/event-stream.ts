import type { ServerResponse } from 'node:http';
import { terminalSafeJson } from '@maria-ts/core';

/**
 * A Server-Sent Events response written straight to the socket: one `event:`/`data:` pair
 * per call, flushed at once (no buffering or compression sits in between), so a browser's
 * `EventSource`-style reader sees every filled token as it is decoded.
 */
export class EventStream {
  private open = true;

  constructor(private readonly response: ServerResponse) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    response.on('close', () => {
      this.open = false;
    });
  }

  /** False once the client has gone or the stream was ended. */
  get isOpen(): boolean {
    return this.open && !this.response.destroyed;
  }

  /** Sends one event with a JSON payload (C1 and bidi controls as \uXXXX, like error bodies); a no-op after the client has gone. */
  send(event: string, data: unknown): void {
    if (!this.isOpen) return;
    this.response.write(`event: ${event}\ndata: ${terminalSafeJson(data)}\n\n`);
  }

  end(): void {
    if (!this.isOpen) return;
    this.open = false;
    this.response.end();
  }
}
