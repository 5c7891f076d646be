import { AbortedError, InvalidArgumentError, type Judge, type JudgeOptions, Rng } from '@maria-ts/core';
import { JudgeConfigurationError, JudgeHttpError, JudgeReplyError } from './judge-errors.js';
import { parseJudgeScore } from './parse-score.js';
import { RateLimiter } from './rate-limiter.js';
import { type Sleep, sleep as realSleep } from './sleep.js';

/** Environment variables the HTTP judge reads when an option is not given. */
export const JUDGE_ENVIRONMENT = {
  url: 'MARIA_JUDGE_URL',
  model: 'MARIA_JUDGE_MODEL',
  apiKey: 'MARIA_JUDGE_API_KEY',
} as const;

/** The instruction sent with every text; the reply is parsed by `parseJudgeScore`. */
export const DEFAULT_JUDGE_INSTRUCTION =
  'Rate the following text on a scale of 1 to 10 based on coherence, fluency, and style. ' +
  'Judge only the text itself. Reply with the score only, as a single number.';

export interface HttpJudgeOptions {
  /** Chat-completions URL, or a base URL such as `https://host/v1` (`/chat/completions` is appended). Default: `$MARIA_JUDGE_URL`. */
  readonly url?: string;
  /** Model name sent in the request. Default: `$MARIA_JUDGE_MODEL`. */
  readonly model?: string;
  /** Bearer token. Default: `$MARIA_JUDGE_API_KEY`; omitted when neither is set (local servers). */
  readonly apiKey?: string;
  /** Where the defaults come from, default `process.env`. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Default 60. */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once, default 1. */
  readonly concurrency?: number;
  /** Tries per text for retryable failures (429, 408, 5xx, timeouts, network errors), default 5. */
  readonly maxAttempts?: number;
  /** First backoff, doubled per retry with ±50% jitter, default 1000 ms. */
  readonly initialBackoffMs?: number;
  /** Longest wait between tries, also the cap on a server's `Retry-After`, default 30 000 ms. */
  readonly maxBackoffMs?: number;
  /** Per-request timeout, default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Sampling temperature, default 0 so scores repeat where the endpoint allows. */
  readonly temperature?: number;
  /** `max_tokens` for the reply; not sent unless given. */
  readonly maxTokens?: number;
  readonly instruction?: string;
  /** Seed of the backoff jitter, default 0. */
  readonly seed?: number;
  /** Injected for tests; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

/** One failed try: whether trying again may help, and what to tell the user if not. */
interface Failure {
  readonly retryable: boolean;
  readonly status: number | null;
  readonly reason: string;
  readonly retryAfterMs?: number;
}

/**
 * A judge backed by any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM,
 * llama.cpp server, Ollama, ...). Each text is sent on its own with an instruction to rate
 * it 1–10 "based on coherence, fluency, and style", and the reply is parsed robustly.
 * Requests are rate-limited, retried with exponential backoff on 429/5xx/timeouts/network
 * errors (honouring `Retry-After`), cancelled by the caller's AbortSignal, and every
 * failure is a typed error: `JudgeHttpError`, `JudgeReplyError`, `AbortedError`.
 */
export class HttpJudge implements Judge {
  readonly name: string;
  readonly url: string;
  readonly model: string;
  private readonly apiKey: string | undefined;
  private readonly limiter: RateLimiter;
  private readonly jitter: Rng;
  private readonly now: () => number;
  private readonly settings: Required<
    Pick<HttpJudgeOptions, 'concurrency' | 'maxAttempts' | 'initialBackoffMs' | 'maxBackoffMs' | 'timeoutMs' | 'temperature' | 'instruction' | 'fetch' | 'sleep'>
  > &
    Pick<HttpJudgeOptions, 'maxTokens'>;

  constructor(options: HttpJudgeOptions = {}) {
    const environment = options.environment ?? process.env;
    const url = options.url ?? environment[JUDGE_ENVIRONMENT.url];
    const model = options.model ?? environment[JUDGE_ENVIRONMENT.model];
    if (!url) throw new JudgeConfigurationError('url', JUDGE_ENVIRONMENT.url);
    if (!model) throw new JudgeConfigurationError('model', JUDGE_ENVIRONMENT.model);
    this.url = chatCompletionsUrl(url);
    this.model = model;
    this.name = `http:${model}`;
    const apiKey = options.apiKey ?? environment[JUDGE_ENVIRONMENT.apiKey];
    this.apiKey = apiKey ? apiKey : undefined;
    const sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.limiter = new RateLimiter(options.requestsPerMinute ?? 60, this.now, sleep);
    this.jitter = new Rng(options.seed ?? 0);
    this.settings = {
      concurrency: positiveInteger('concurrency', options.concurrency ?? 1),
      maxAttempts: positiveInteger('maxAttempts', options.maxAttempts ?? 5),
      initialBackoffMs: nonNegative('initialBackoffMs', options.initialBackoffMs ?? 1000),
      maxBackoffMs: nonNegative('maxBackoffMs', options.maxBackoffMs ?? 30_000),
      timeoutMs: nonNegative('timeoutMs', options.timeoutMs ?? 60_000),
      temperature: options.temperature ?? 0,
      maxTokens: options.maxTokens,
      instruction: options.instruction ?? DEFAULT_JUDGE_INSTRUCTION,
      fetch: options.fetch ?? globalThis.fetch,
      sleep,
    };
  }

  /**
   * Scores each text 1–10, in order; at most `concurrency` requests run at once. The first
   * failure cancels the requests still in flight and is the error thrown.
   */
  async score(texts: readonly string[], options: JudgeOptions = {}): Promise<number[]> {
    throwIfAborted(options.signal);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const scores = new Array<number>(texts.length);
    let next = 0;
    const worker = async () => {
      while (next < texts.length) {
        const position = next++;
        try {
          scores[position] = await this.scoreOne(texts[position] as string, signal);
        } catch (error) {
          stop.abort();
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, texts.length) }, worker));
    return scores;
  }

  private async scoreOne(text: string, signal: AbortSignal | undefined): Promise<number> {
    const { maxAttempts, initialBackoffMs, maxBackoffMs } = this.settings;
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire(signal);
      const outcome = await this.request(text, signal);
      if (typeof outcome === 'number') return outcome;
      if (!outcome.retryable || attempt >= maxAttempts) throw new JudgeHttpError(this.url, outcome.status, outcome.reason, attempt);
      const backoff = initialBackoffMs * 2 ** (attempt - 1) * (0.5 + this.jitter.uniform());
      await this.settings.sleep(Math.min(maxBackoffMs, outcome.retryAfterMs ?? backoff), signal);
    }
  }

  /** One try: the parsed score, or a failure saying whether to retry. */
  private async request(text: string, signal: AbortSignal | undefined): Promise<number | Failure> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let body: string;
    try {
      response = await this.settings.fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify(this.requestBody(text)),
        signal: combined,
      });
      body = await response.text();
    } catch (error) {
      throwIfAborted(signal);
      if (timeout.aborted) return { retryable: true, status: null, reason: `no reply within ${this.settings.timeoutMs} ms` };
      return { retryable: true, status: null, reason: `network error: ${describe(error)}` };
    }
    if (!response.ok) {
      const status = response.status;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
      const hint = status === 401 || status === 403 ? ` (check ${JUDGE_ENVIRONMENT.apiKey})` : '';
      return {
        retryable: status === 408 || status === 429 || status >= 500,
        status,
        reason: `${body.trim() || response.statusText}${hint}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    return parseJudgeScore(replyContent(body));
  }

  private requestBody(text: string): Record<string, unknown> {
    return {
      model: this.model,
      messages: [
        { role: 'system', content: 'You are a careful, consistent judge of writing quality.' },
        { role: 'user', content: `${this.settings.instruction}\n\nText:\n"""\n${text}\n"""` },
      ],
      temperature: this.settings.temperature,
      ...(this.settings.maxTokens === undefined ? {} : { max_tokens: this.settings.maxTokens }),
    };
  }
}

/** `https://host/v1` → `https://host/v1/chat/completions`; a full endpoint URL is kept. */
export function chatCompletionsUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError('judge url', url, 'an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError('judge url', url, 'an http or https URL');
  if (/\/chat\/completions\/?$/.test(parsed.pathname)) return parsed.toString();
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/chat/completions`;
  return parsed.toString();
}

/** The assistant message of a chat-completions response body. */
function replyContent(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new JudgeReplyError(body, 'the response body is not JSON');
  }
  const content = (parsed as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new JudgeReplyError(body, 'the response has no choices[0].message.content string');
  return content;
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date. */
function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('http judge request');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(name, value, 'a positive integer');
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new InvalidArgumentError(name, value, 'a finite number ≥ 0');
  return value;
}
