import { AbortedError } from '@maria-ts/core';
import type { FastifyReply } from 'fastify';
import { ShuttingDownError } from '../queue/queue-full-error.js';
import { EventStream } from './event-stream.js';
import { errorAnswer, RequestTimeoutError } from './http-error.js';
import { RequestCancellation } from './request-cancellation.js';

/** Sends one server-sent event; a no-op for a plain JSON request. */
export type SendEvent = (event: string, data: unknown) => void;

/** How one route runs its work. */
export interface JobSpec<Outcome> {
  readonly reply: FastifyReply;
  /** Answer with Server-Sent Events instead of one JSON body. */
  readonly stream: boolean;
  readonly timeoutMs: number;
  /** Fires when the server shuts down and gives up on in-flight work. */
  readonly shutdown: AbortSignal;
  /**
   * Puts the work in the queue. Must call the scheduler synchronously, so a full queue
   * throws here and becomes a 503 before any stream starts.
   */
  readonly submit: (signal: AbortSignal, send: SendEvent) => Promise<Outcome>;
  /** The first event of a stream (sent right after the 200 headers). */
  readonly start?: { event: string; data: unknown };
  /** The JSON body of a success (also the stream's `done` event). */
  readonly body: (outcome: Outcome) => unknown;
}

/**
 * The life of one model request, shared by every model route: a `RequestCancellation`
 * (disconnect, timeout, shutdown) whose signal goes to the work, submission to the queue,
 * then either one JSON body or an SSE stream (`start`, the work's own events, then `done`
 * or `error`). Cancellation becomes the right answer: 504 on timeout, 503 on shutdown, and
 * silence for a client that has gone.
 */
export async function serveJob<Outcome>(spec: JobSpec<Outcome>): Promise<unknown> {
  const cancellation = new RequestCancellation(spec.reply.raw, spec.timeoutMs, spec.shutdown);
  // The stream opens only after a successful submit; events sent before then are dropped.
  const sink: { stream?: EventStream } = {};
  const send: SendEvent = (event, data) => sink.stream?.send(event, data);
  let pending: Promise<Outcome>;
  try {
    pending = spec.submit(cancellation.signal, send);
  } catch (error) {
    cancellation.dispose();
    throw error;
  }
  if (!spec.stream) {
    try {
      return spec.body(await pending);
    } catch (error) {
      throw explainCancellation(error, cancellation);
    } finally {
      cancellation.dispose();
    }
  }
  spec.reply.hijack();
  const stream = new EventStream(spec.reply.raw);
  sink.stream = stream;
  if (spec.start) stream.send(spec.start.event, spec.start.data);
  try {
    stream.send('done', spec.body(await pending));
  } catch (error) {
    const answer = errorAnswer(explainCancellation(error, cancellation));
    if (answer.status >= 500 && answer.status !== 503 && answer.status !== 504) spec.reply.log.error(error);
    stream.send('error', answer.body);
  } finally {
    cancellation.dispose();
    stream.end();
  }
  return undefined;
}

/** An `AbortedError` caused by the timeout or a shutdown becomes the error the client should see. */
function explainCancellation(error: unknown, cancellation: RequestCancellation): unknown {
  if (!AbortedError.isInstance(error)) return error;
  if (cancellation.reason === 'timeout') return new RequestTimeoutError(cancellation.timeoutMs);
  if (cancellation.reason === 'shutdown') return new ShuttingDownError();
  return error;
}
