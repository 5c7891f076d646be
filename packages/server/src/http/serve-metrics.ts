import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchReport } from '../queue/work-scheduler.js';

/** What the metrics read live at scrape time. */
export interface MetricsSources {
  readonly queueDepth: () => number;
  readonly active: () => number;
  readonly tensorCount: () => number;
}

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process,
 * as in tests, do not share counters). Served as text at `GET /metrics`:
 * - `maria_http_requests_total{method,route,status}` and `maria_http_request_duration_seconds`;
 * - `maria_queue_depth`, `maria_queue_active`, `maria_queue_rejected_total`;
 * - `maria_tokens_total{kind}` and `maria_tokens_per_second{kind}` (of the latest engine call);
 * - `maria_engine_batch_size` (how much batching happens) and `maria_tf_tensors`;
 * - the default process metrics (RSS, heap, event loop lag), prefixed `maria_`.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly rejected: Counter;
  private readonly tokens: Counter<'kind'>;
  private readonly tokensPerSecond: Gauge<'kind'>;
  private readonly batchSize: Histogram<'kind'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'maria_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers });
    this.duration = new Histogram({
      name: 'maria_http_request_duration_seconds',
      help: 'HTTP request latency, from arrival to the end of the response (streams included)',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    new Gauge({ name: 'maria_queue_depth', help: 'Requests waiting for the model', registers, collect() { this.set(sources.queueDepth()); } });
    new Gauge({ name: 'maria_queue_active', help: 'Requests running on the model now', registers, collect() { this.set(sources.active()); } });
    this.rejected = new Counter({ name: 'maria_queue_rejected_total', help: 'Requests refused with 503 because the queue was full', registers });
    this.tokens = new Counter({ name: 'maria_tokens_total', help: 'Tokens filled (infill) or generated (generate)', labelNames: ['kind'], registers });
    this.tokensPerSecond = new Gauge({ name: 'maria_tokens_per_second', help: 'Tokens per second of the latest engine call, by kind', labelNames: ['kind'], registers });
    this.batchSize = new Histogram({ name: 'maria_engine_batch_size', help: 'Requests per engine call', labelNames: ['kind'], buckets: [1, 2, 4, 8, 16, 32], registers });
    new Gauge({ name: 'maria_tf_tensors', help: 'Live tensors of the tensor runtime (tf.memory().numTensors)', registers, collect() { this.set(sources.tensorCount()); } });
    collectDefaultMetrics({ register: this.registry, prefix: 'maria_' });
  }

  /** Records one finished HTTP exchange. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.duration.observe({ method, route }, seconds);
  }

  observeRejection(): void {
    this.rejected.inc();
  }

  /** Records one engine call reported by the scheduler. */
  observeBatch(report: BatchReport): void {
    this.batchSize.observe({ kind: report.kind }, report.size);
    if (report.tokens > 0) {
      this.tokens.inc({ kind: report.kind }, report.tokens);
      if (report.seconds > 0) this.tokensPerSecond.set({ kind: report.kind }, report.tokens / report.seconds);
    }
  }

  /** The Prometheus text exposition and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
