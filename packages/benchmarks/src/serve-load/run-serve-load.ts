import * as tf from '@tensorflow/tfjs';
import autocannon from 'autocannon';

/** The server limits a load test starts its server with. */
export interface ServeLoadLimits {
  readonly maxQueued: number;
  readonly maxBatch: number;
  readonly timeoutMs: number;
}

/**
 * The parts of a running MARIA HTTP server the load test uses. `@maria-ts/server`'s
 * `createServer` returns one, so `startServer` is usually
 * `(limits) => createServer({ engine, ...limits, seed: 0 })`.
 */
export interface ServeLoadServer {
  readonly app: { listen(options: { readonly host: string; readonly port: number }): Promise<string> };
  /** The Prometheus exposition the load test reads the filled-token and batch counters from. */
  readonly metrics: { render(): Promise<{ readonly text: string }> };
  readonly scheduler: { whenIdle(): Promise<void> };
  shutdown(options: { readonly graceMs: number; readonly lingerMs: number }): Promise<void>;
}

/** Options of `runServeLoad`. */
export interface ServeLoadOptions {
  /** Starts the server under test with the given limits (it must not listen yet). */
  readonly startServer: (limits: ServeLoadLimits) => Promise<ServeLoadServer>;
  /** The model's name in the report. */
  readonly model: string;
  /** Concurrent clients (default 32). */
  readonly connections?: number;
  /** Seconds of load (default 60). */
  readonly durationSeconds?: number;
  /** The `/v1/infill` body every client sends. */
  readonly body?: Record<string, unknown>;
  /** Server limits, as `maria-serve` takes them. */
  readonly maxQueued?: number;
  readonly maxBatch?: number;
  readonly timeoutMs?: number;
  /** Untimed requests before measuring, so caches and kernels are warm (default 4). */
  readonly warmupRequests?: number;
}

/** What the load test measured. */
export interface ServeLoadReport {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly body: Record<string, unknown>;
  readonly server: { readonly maxQueued: number; readonly maxBatch: number; readonly timeoutMs: number; readonly model: string };
  readonly requests: {
    readonly completed: number;
    readonly ok: number;
    /** Deliberate 503s (queue full). */
    readonly rejected: number;
    /** Everything else that went wrong: other non-2xx answers, connection errors, client timeouts. */
    readonly errors: number;
    readonly perSecond: number;
  };
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Filled tokens per second over the run, from the server's own counter. */
  readonly tokensPerSecond: number;
  /** Mean requests per decoder call (how much batching happened). */
  readonly meanBatchSize: number;
  readonly tensors: { readonly before: number; readonly after: number };
  readonly rssMB: { readonly before: number; readonly after: number; readonly peak: number };
}

const DEFAULT_BODY = { text: 'The [MASK] sat on the [MASK] and looked out of the [MASK].', tokensPerMask: 2, temperature: 0.8, topP: 0.95 };

/** Reads one sample of a Prometheus text exposition (`name{labels} value`). */
function metric(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * The `/v1/infill` load test: starts the real server on 127.0.0.1 (an
 * ephemeral port, never another host) that `startServer` built, warms it up, then runs autocannon
 * with `connections` clients for `durationSeconds`, and compares `tf.memory().numTensors`
 * and RSS before and after (once the queue has drained). Clients and server share this
 * process, as they share the machine: the figures are for one box, not a server alone.
 */
export async function runServeLoad(options: ServeLoadOptions): Promise<ServeLoadReport> {
  const connections = options.connections ?? 32;
  const durationSeconds = options.durationSeconds ?? 60;
  const body = options.body ?? DEFAULT_BODY;
  const maxQueued = options.maxQueued ?? 32;
  const maxBatch = options.maxBatch ?? 8;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const server = await options.startServer({ maxQueued, maxBatch, timeoutMs });
  try {
    const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const payload = JSON.stringify(body);
    for (let i = 0; i < (options.warmupRequests ?? 4); i++) {
      const response = await fetch(`${url}/v1/infill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      if (!response.ok) throw new Error(`warm-up request failed with ${response.status}: ${await response.text()}`);
    }
    const scrape = async () => (await server.metrics.render()).text;
    const startMetrics = await scrape();
    const tensorsBefore = tf.memory().numTensors;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);

    const result = await autocannon({
      url: `${url}/v1/infill`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
      connections,
      duration: durationSeconds,
      timeout: Math.ceil(timeoutMs / 1000) + 5,
    });
    clearInterval(sampler);
    await server.scheduler.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const endMetrics = await scrape();

    const status = (code: string) => result.statusCodeStats?.[code as `${number}`]?.count ?? 0;
    const rejected = status('503');
    const ok = result['2xx'];
    const tokens = metric(endMetrics, /maria_tokens_total\{kind="infill"\} ([\d.e+]+)/) - metric(startMetrics, /maria_tokens_total\{kind="infill"\} ([\d.e+]+)/);
    const calls = metric(endMetrics, /maria_engine_batch_size_count\{kind="infill"\} (\d+)/) - metric(startMetrics, /maria_engine_batch_size_count\{kind="infill"\} (\d+)/);
    const batched = metric(endMetrics, /maria_engine_batch_size_sum\{kind="infill"\} (\d+)/) - metric(startMetrics, /maria_engine_batch_size_sum\{kind="infill"\} (\d+)/);
    return {
      connections,
      durationSeconds: result.duration,
      body,
      server: { maxQueued, maxBatch, timeoutMs, model: options.model },
      requests: { completed: ok + result.non2xx, ok, rejected, errors: result.non2xx - rejected + result.errors, perSecond: Math.round((ok / result.duration) * 100) / 100 },
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: Math.round(result.latency.mean) },
      tokensPerSecond: Math.round((tokens / result.duration) * 10) / 10,
      meanBatchSize: calls > 0 ? Math.round((batched / calls) * 100) / 100 : 0,
      tensors: { before: tensorsBefore, after: tf.memory().numTensors },
      rssMB: { before: megabytes(rssBefore), after: megabytes(process.memoryUsage().rss), peak: megabytes(rssPeak) },
    };
  } finally {
    await server.shutdown({ graceMs: 0, lingerMs: 20 });
  }
}
