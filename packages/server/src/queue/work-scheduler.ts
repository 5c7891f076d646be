import { AbortedError } from '@maria-ts/core';
import type { GenerateJob, GenerateOutcome, InfillJob, InfillOutcome, ScoreJob, ScoreOutcome, ServeEngine } from '../engine/serve-engine.js';
import { QueueFullError, ShuttingDownError } from './queue-full-error.js';

/** Limits of the scheduler. */
export interface WorkSchedulerOptions {
  /** Most requests waiting (not running) at once; one more is refused with `QueueFullError`. */
  readonly maxQueued: number;
  /** Most infill jobs run together: in one `infillBatch` call, or at once with a continuous engine. */
  readonly maxBatch: number;
  /**
   * Most work (`workOf`, summed) in one infill batch: a batch runs as long as its jobs
   * together, and each of them must still finish within the timeout. Default: no limit.
   */
  readonly maxBatchWork?: number;
  /** The work of an infill job, for `maxBatchWork` (default 0). */
  readonly workOf?: (job: InfillJob) => number;
  /** Called after every engine call with what ran, for metrics. */
  readonly onBatch?: (report: BatchReport) => void;
  readonly now?: () => number;
}

/** What one engine call did. */
export interface BatchReport {
  readonly kind: 'infill' | 'generate' | 'score';
  /** Jobs in the call; with a continuous engine, the infill jobs running when this one started (itself included). */
  readonly size: number;
  readonly seconds: number;
  /** Tokens filled or generated (0 for score). */
  readonly tokens: number;
}

type Entry =
  | { kind: 'infill'; job: InfillJob; resolve: (value: InfillOutcome) => void; reject: (error: unknown) => void }
  | { kind: 'generate'; job: GenerateJob; resolve: (value: GenerateOutcome) => void; reject: (error: unknown) => void }
  | { kind: 'score'; job: ScoreJob; resolve: (value: ScoreOutcome) => void; reject: (error: unknown) => void };

/**
 * The one line between HTTP requests and the model. The model runs one call at a time
 * (the tensor runtime is single-threaded, so running two would only interleave them; a
 * continuous engine's concurrent infill calls are one decode loop inside it), and
 * requests wait in a FIFO queue of bounded depth: past `maxQueued` waiting requests,
 * `submit*` throws `QueueFullError` synchronously, so memory stays bounded under any load.
 *
 * Batching: when an infill job reaches the head of the queue, every waiting infill job with
 * the same `engine.batchKey` (up to `maxBatch` jobs and `maxBatchWork` work) joins it in one
 * `infillBatch` call. An engine that batches continuously (`engine.continuousBatching`: its
 * running infill jobs share decode steps, and a new one joins at the next step) gets each
 * infill job in its own call instead, started as soon as it reaches the head of the queue
 * while fewer than `maxBatch` infill jobs run and their work with it fits `maxBatchWork`.
 *
 * Cancellation: a waiting job whose signal fires leaves the queue at once with
 * `AbortedError`; a running job is cancelled by the engine at its next token.
 */
export class WorkScheduler {
  private readonly queue: Entry[] = [];
  private running = 0;
  private runningWork = 0;
  private runningKind: Entry['kind'] | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Exponential moving average of seconds per engine call, for `Retry-After`. */
  private averageSeconds = 0.5;
  private readonly now: () => number;

  constructor(
    private readonly engine: ServeEngine,
    private readonly options: WorkSchedulerOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Requests waiting, not counting the ones running. */
  get depth(): number {
    return this.queue.length;
  }

  /** Requests running now (the running batch, or with a continuous engine every infill job running). */
  get active(): number {
    return this.running;
  }

  submitInfill(job: InfillJob): Promise<InfillOutcome> {
    return this.enqueue((resolve, reject) => ({ kind: 'infill', job, resolve, reject }), job.signal);
  }

  submitGenerate(job: GenerateJob): Promise<GenerateOutcome> {
    return this.enqueue((resolve, reject) => ({ kind: 'generate', job, resolve, reject }), job.signal);
  }

  submitScore(job: ScoreJob): Promise<ScoreOutcome> {
    return this.enqueue((resolve, reject) => ({ kind: 'score', job, resolve, reject }), job.signal);
  }

  /**
   * Stops taking work: later submits throw `ShuttingDownError`. Waiting jobs still run
   * unless `cancelWaiting` is set, in which case they fail with `AbortedError`.
   */
  close(options: { cancelWaiting?: boolean } = {}): void {
    this.closed = true;
    if (options.cancelWaiting) {
      for (const entry of this.queue.splice(0)) entry.reject(new AbortedError('queued request (server shutting down)'));
    }
    this.notifyIdle();
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Seconds until a slot is likely to free up: the queue ahead times the average call. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((this.queue.length + 1) * this.averageSeconds) / Math.max(1, this.options.maxBatch)));
  }

  private enqueue<T>(make: (resolve: (value: T) => void, reject: (error: unknown) => void) => Entry, signal: AbortSignal): Promise<T> {
    if (this.closed) throw new ShuttingDownError();
    if (this.queue.length >= this.options.maxQueued) throw new QueueFullError(this.queue.length, this.retryAfterSeconds());
    if (signal.aborted) return Promise.reject(new AbortedError('request'));
    return new Promise<T>((resolve, reject) => {
      const entry = make(resolve as never, reject);
      const onAbort = () => {
        const index = this.queue.indexOf(entry);
        if (index >= 0) {
          this.queue.splice(index, 1);
          reject(new AbortedError('queued request'));
          this.notifyIdle();
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = <V>(done: (value: V) => void) => (value: V) => {
        signal.removeEventListener('abort', onAbort);
        done(value);
      };
      entry.resolve = settle(entry.resolve as (value: unknown) => void);
      entry.reject = settle(entry.reject);
      this.queue.push(entry);
      queueMicrotask(() => this.pump());
    });
  }

  /**
   * Starts what may run now, oldest first: anything when nothing runs; with an engine that
   * batches continuously, also the next infill job while only infill jobs run, fewer than
   * `maxBatch` of them, and their work with it fits `maxBatchWork`.
   */
  private pump(): void {
    const workOf = this.options.workOf ?? (() => 0);
    const maxWork = this.options.maxBatchWork ?? Number.POSITIVE_INFINITY;
    while (this.queue.length > 0) {
      const head = this.queue[0] as Entry;
      if (this.running > 0) {
        if (!this.engine.continuousBatching || head.kind !== 'infill' || this.runningKind !== 'infill') return;
        if (this.running >= this.options.maxBatch || this.runningWork + workOf(head.job) > maxWork) return;
      }
      this.queue.shift();
      void this.start(head);
    }
  }

  private async start(head: Entry): Promise<void> {
    const started = this.now();
    const workOf = this.options.workOf ?? (() => 0);
    const batch = head.kind === 'infill' ? [head, ...(this.engine.continuousBatching ? [] : this.takeCompatible(head.job))] : [head];
    const work = head.kind === 'infill' ? batch.reduce((sum, entry) => sum + workOf(entry.job as InfillJob), 0) : 0;
    this.running += batch.length;
    this.runningWork += work;
    this.runningKind = head.kind;
    const size = this.running; // the batch, or with a continuous engine every infill job running as this one starts
    try {
      if (head.kind === 'infill') {
        const entries = batch as Extract<Entry, { kind: 'infill' }>[];
        const results: (InfillOutcome | Error)[] = await this.engine
          .infillBatch(entries.map((entry) => entry.job))
          .catch((error: unknown) => entries.map(() => (error instanceof Error ? error : new Error(String(error)))));
        let tokens = 0;
        entries.forEach((entry, index) => {
          const result = results[index];
          if (result === undefined) entry.reject(new Error('the engine returned fewer results than jobs'));
          else if (result instanceof Error) entry.reject(result);
          else {
            tokens += result.filled.length;
            entry.resolve(result);
          }
        });
        this.report('infill', size, started, tokens);
      } else {
        let tokens = 0;
        try {
          if (head.kind === 'generate') {
            const outcome = await this.engine.generate(head.job);
            tokens = outcome.ids.length;
            head.resolve(outcome);
          } else {
            head.resolve(await this.engine.score(head.job));
          }
        } catch (error) {
          head.reject(error);
        }
        this.report(head.kind, 1, started, tokens);
      }
    } finally {
      this.running -= batch.length;
      this.runningWork -= work;
      if (this.running === 0) this.runningKind = null;
      this.notifyIdle();
      if (this.queue.length > 0) queueMicrotask(() => this.pump());
    }
  }

  /** Removes and returns the waiting infill entries that can join `job`'s batch. */
  private takeCompatible(job: InfillJob): Extract<Entry, { kind: 'infill' }>[] {
    const key = this.engine.batchKey(job);
    const workOf = this.options.workOf ?? (() => 0);
    const maxWork = this.options.maxBatchWork ?? Number.POSITIVE_INFINITY;
    let work = workOf(job);
    const taken: Extract<Entry, { kind: 'infill' }>[] = [];
    for (let index = 0; index < this.queue.length && taken.length < this.options.maxBatch - 1; ) {
      const entry = this.queue[index] as Entry;
      if (entry.kind === 'infill' && this.engine.batchKey(entry.job) === key && work + workOf(entry.job) <= maxWork) {
        work += workOf(entry.job);
        taken.push(entry);
        this.queue.splice(index, 1);
      } else index++;
    }
    return taken;
  }

  private report(kind: BatchReport['kind'], size: number, started: number, tokens: number): void {
    const seconds = (this.now() - started) / 1000;
    this.averageSeconds = 0.8 * this.averageSeconds + 0.2 * seconds;
    this.options.onBatch?.({ kind, size, seconds, tokens });
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
