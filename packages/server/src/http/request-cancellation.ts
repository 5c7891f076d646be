import type { ServerResponse } from 'node:http';

/** Why a request's work was cancelled. */
export type CancelReason = 'disconnect' | 'timeout' | 'shutdown';

/**
 * The `AbortSignal` of one request's work. It fires when the client disconnects before
 * the answer is complete (the response closes before it was ended), when the per-request timeout
 * passes, or when the server shuts down; `reason` says which, so the route can answer
 * 504 for a timeout, 503 for a shutdown, and nothing at all to a client that has gone.
 */
export class RequestCancellation {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private cancelReason: CancelReason | undefined;

  constructor(
    private readonly response: ServerResponse,
    readonly timeoutMs: number,
    private readonly shutdown: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.cancel('timeout'), timeoutMs);
    this.timer.unref();
    response.on('close', this.onClose);
    shutdown.addEventListener('abort', this.onShutdown, { once: true });
    if (shutdown.aborted) this.cancel('shutdown');
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): CancelReason | undefined {
    return this.cancelReason;
  }

  /** Stops watching (call when the work is over, whatever its outcome). */
  dispose(): void {
    clearTimeout(this.timer);
    this.response.off('close', this.onClose);
    this.shutdown.removeEventListener('abort', this.onShutdown);
  }

  private readonly onClose = () => {
    if (!this.response.writableEnded) this.cancel('disconnect');
  };

  private readonly onShutdown = () => this.cancel('shutdown');

  private cancel(reason: CancelReason): void {
    if (this.controller.signal.aborted) return;
    this.cancelReason = reason;
    this.controller.abort(reason);
  }
}
