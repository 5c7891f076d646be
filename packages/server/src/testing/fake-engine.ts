import { AbortedError, Rng, type Tokenizer } from '@maria-ts/core';
import type { FilledToken, GenerateJob, GenerateOutcome, InfillJob, InfillOutcome, ScoreJob, ScoreOutcome, ServeEngine } from '../engine/serve-engine.js';

/** Options of `createFakeEngine`. */
export interface FakeEngineOptions {
  readonly tokenizer: Tokenizer;
  /** Milliseconds spent per filled token (default 0); waits honour the job's signal. */
  readonly tokenDelayMs?: number;
  /** Awaited before every batch starts: lets a test hold the engine busy and release it. */
  readonly gate?: () => Promise<void>;
  /** Longest sequence (default 512). */
  readonly maxLength?: number;
  /** The id to fill a position with (default: a common word from the job's seeded stream), e.g. the bytes of a character. */
  readonly fillWith?: (index: number) => number;
}

/** A fake engine and what it saw, for assertions. */
export interface FakeEngine extends ServeEngine {
  /** Sizes of the infill batches run so far. */
  readonly batchSizes: number[];
  /** Jobs whose signal fired while they ran. */
  readonly cancelled: number;
}

/**
 * A scripted `ServeEngine` for the server's tests: it fills position i with a token drawn
 * from the job's seeded `Rng` among a few common words, waits `tokenDelayMs` per token, and
 * checks the job's signal between tokens like the real decoder. No tensors, so HTTP,
 * queueing, streaming and cancellation are tested fast and exactly.
 */
export function createFakeEngine(options: FakeEngineOptions): FakeEngine {
  const { tokenizer } = options;
  const words = [' cat', ' dog', ' the', ' sat', ' mat', ' and'].map((word) => tokenizer.encode(word)[0] as number);
  const mask = tokenizer.specialTokens.mask ?? 0;
  const delay = options.tokenDelayMs ?? 0;
  const batchSizes: number[] = [];
  let cancelled = 0;

  const pause = (signal: AbortSignal, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new AbortedError(what));
      if (delay === 0) return setImmediate(resolve);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError(what));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });

  const fill = async (job: InfillJob): Promise<InfillOutcome> => {
    const rng = new Rng(job.seed);
    const ids = [...job.ids];
    const filled: FilledToken[] = [];
    for (const index of job.masked) {
      await pause(job.signal, 'infill');
      const word = job.sampling.temperature === 0 ? (words[0] as number) : (words[rng.int(words.length)] as number);
      const id = options.fillWith?.(index) ?? word;
      ids[index] = id;
      filled.push({ index, id });
      job.onToken?.({ index, id });
    }
    return { ids, filled };
  };

  return {
    name: 'fake',
    tokenizer,
    maskTokenId: mask,
    vocabSize: tokenizer.vocabSize,
    maxLength: options.maxLength ?? 512,
    batchSizes,
    get cancelled() {
      return cancelled;
    },
    batchKey: (job) => JSON.stringify(job.sampling),
    async infillBatch(jobs) {
      batchSizes.push(jobs.length);
      await options.gate?.();
      return Promise.all(
        jobs.map((job) =>
          fill(job).catch((error: unknown) => {
            if (AbortedError.isInstance(error)) cancelled++;
            return error instanceof Error ? error : new Error(String(error));
          }),
        ),
      );
    },
    async generate(job: GenerateJob): Promise<GenerateOutcome> {
      await options.gate?.();
      const rng = new Rng(job.seed);
      let ids = Array.from({ length: job.length }, () => words[rng.int(words.length)] as number);
      for (let iteration = 0; iteration <= job.iterations; iteration++) {
        await pause(job.signal, 'generate');
        if (iteration > 0) ids = ids.map((id, index) => (index % 3 === iteration % 3 ? (words[rng.int(words.length)] as number) : id));
        job.onProgress?.({ iteration, iterations: job.iterations, temperature: 1 - iteration / Math.max(1, job.iterations), ids, elapsedMs: 0 });
      }
      return { ids };
    },
    async score(job: ScoreJob): Promise<ScoreOutcome> {
      await options.gate?.();
      await pause(job.signal, 'score');
      return { perplexity: words.length, negativeLogLikelihood: job.masked.length * Math.log(words.length) };
    },
    tensorCount: () => 0,
    dispose: () => undefined,
  };
}

/** A gate for `FakeEngineOptions.gate`: each batch waits at it until the test opens it. */
export interface EngineGate {
  readonly wait: () => Promise<void>;
  /** Lets the oldest waiting batch through. */
  readonly open: () => void;
  /** Lets every waiting batch through. */
  readonly openAll: () => void;
}

/** Creates an `EngineGate`, so a test can hold the engine busy while it fills the queue. */
export function createEngineGate(): EngineGate {
  const waiting: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => waiting.push(resolve)),
    open: () => waiting.shift()?.(),
    openAll: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}
