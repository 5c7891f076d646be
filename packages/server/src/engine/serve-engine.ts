import type { Tokenizer } from '@maria-ts/core';
import type { FillSpan } from '@maria-ts/kv-decoder';

/**
 * What the HTTP layer needs from a model, and nothing more. The server, its queue and its
 * tests are written against this interface, so they run with a fake engine (instant,
 * scripted) as well as with MARIA itself (`createMariaEngine`), and the model packages can
 * change their APIs without touching a route.
 *
 * Every method takes an `AbortSignal`: a client that disconnects or a request that times
 * out aborts it, and the engine stops at its next token (throwing core's `AbortedError`).
 */
export interface ServeEngine {
  /** A short description for `/healthz` and logs, e.g. `'maria (random, seed 0)'`. */
  readonly name: string;
  readonly tokenizer: Tokenizer;
  /** The id written at masked positions of an infill input. */
  readonly maskTokenId: number;
  /** Number of ids the model predicts over: request ids must lie below it. */
  readonly vocabSize: number;
  /** Longest token sequence the model accepts (the server may set a lower limit). */
  readonly maxLength: number;
  /**
   * Fills a batch of infill jobs. Jobs with equal `batchKey` may share one call (a
   * continuous engine gets one job per call); the
   * result has one entry per job, in order: its outcome, or the error that ended it (an
   * `AbortedError` for a job whose own signal fired while the others went on).
   */
  infillBatch(jobs: readonly InfillJob[]): Promise<(InfillOutcome | Error)[]>;
  /** Which infill jobs can run in one batch: jobs with the same key can. */
  batchKey(job: InfillJob): string;
  /**
   * True when the engine batches infill itself, continuously: infill calls running at the
   * same time share its decode steps and a new call joins at the next step, so the
   * scheduler hands it each infill job in its own call as soon as there is room (see
   * `WorkScheduler`) instead of grouping waiting jobs into one call.
   */
  readonly continuousBatching?: boolean;
  /** Unconditional generation by simulated annealing, reporting every iteration. */
  generate(job: GenerateJob): Promise<GenerateOutcome>;
  /** Exact masked perplexity of the `masked` tokens of `ids` under MARIA (teacher forcing). */
  score(job: ScoreJob): Promise<ScoreOutcome>;
  /** Live tensors of the tensor runtime (`tf.memory().numTensors`), for /metrics and leak checks. */
  tensorCount(): number;
  dispose(): void;
}

/** How a token is drawn (the kv-decoder's sampling options, resolved by the request schema). */
export interface SamplingSettings {
  /** ≥ 0; 0 is greedy. */
  readonly temperature: number;
  readonly topK?: number;
  readonly topP?: number;
}

/** One filled position. */
export interface FilledToken {
  /** Position in the token sequence. */
  readonly index: number;
  readonly id: number;
}

/** One infill request as the engine sees it. */
export interface InfillJob {
  /** The sequence; the ids at `masked` positions are ignored (the mask token is used). */
  readonly ids: readonly number[];
  /** Positions to fill, ascending and distinct. */
  readonly masked: readonly number[];
  /** The `[MASK]` words of a text request: the whole-word rule keeps each fill a word of its own. */
  readonly spans?: readonly FillSpan[];
  readonly sampling: SamplingSettings;
  /** Seeds this job's own random stream, so a batch neighbour never changes its result. */
  readonly seed: number;
  readonly signal: AbortSignal;
  /** Called once per filled token, in decoding order (left to right). */
  readonly onToken?: (token: FilledToken) => void;
}

export interface InfillOutcome {
  /** The sequence with every masked position filled; other positions unchanged. */
  readonly ids: number[];
  /** The fills in decoding order. */
  readonly filled: FilledToken[];
}

export interface GenerateJob {
  /** Tokens to generate. */
  readonly length: number;
  /** K remask-and-resample iterations after the initial AR sample. */
  readonly iterations: number;
  /** Share of positions remasked per iteration. */
  readonly remask: number;
  /** A temperature schedule name known to the annealer (`linear`, `cosine`, `greedy`). */
  readonly schedule: string;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateProgress {
  /** 0 is the initial AR sample. */
  readonly iteration: number;
  readonly iterations: number;
  readonly temperature: number;
  readonly ids: readonly number[];
  readonly elapsedMs: number;
}

export interface GenerateOutcome {
  readonly ids: number[];
}

export interface ScoreJob {
  readonly ids: readonly number[];
  /** Positions to mask and score, ascending, at least one. */
  readonly masked: readonly number[];
  readonly signal: AbortSignal;
}

export interface ScoreOutcome {
  /** exp(mean NLL over the masked tokens). */
  readonly perplexity: number;
  /** Summed negative log-likelihood in nats. */
  readonly negativeLogLikelihood: number;
}
