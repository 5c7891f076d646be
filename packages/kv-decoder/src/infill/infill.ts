import { AbortedError, InvalidArgumentError, Registry } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { createTokenSampler, type TokenSampler } from '../sampling/sample-token.js';
import { arOnlyDecoder } from './ar-only-decoder.js';
import { diffusionDecoder } from './diffusion-decoder.js';
import type { DecodedToken, InfillDecoder } from './infill-decoder.js';
import { prepareRows, type InfillRow } from './infill-row.js';
import type { InfillMethod, InfillOptions, InfillRequest, InfillResult, InfillToken } from './infill-types.js';
import { mariaDecoder } from './maria-decoder.js';
import { mlmDecoder } from './mlm-decoder.js';

/** The infill methods by name (`'maria'`, `'mlm'`, `'diffusion'`, `'ar'`); an unknown name lists the known ones. */
export const infillDecoders = new Registry<InfillDecoder>('infill method');
infillDecoders.register('maria', mariaDecoder, 3);
infillDecoders.register('mlm', mlmDecoder, 2);
infillDecoders.register('diffusion', diffusionDecoder, 1);
infillDecoders.register('ar', arOnlyDecoder, 0);

/** Default number of denoising steps of the diffusion baseline (the paper's Figure 3 setting). */
export const DEFAULT_DIFFUSION_STEPS = 256;

/** Lets timers, I/O and abort events run between two decoder calls. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * The longest a decode loop computes before it lets timers, I/O and abort events run. A turn
 * of the event loop after every decoder call cost 0.1–0.15 ms a step on the embedded model
 * (V8's deferred heap work runs in it), 4–10% of a step; one turn per this many milliseconds
 * keeps an abort, a timer or a streamed write waiting at most about this long.
 */
export const DECODE_TURN_INTERVAL_MS = 10;

/**
 * A function for a decode loop to call between decoder calls: a full event-loop turn
 * (`nextTurn`) to await on the first call and whenever `intervalMs` have passed since the last
 * one, otherwise `undefined` (nothing to wait for; awaiting it anyway costs a microtask).
 */
export function pacedTurns(intervalMs = DECODE_TURN_INTERVAL_MS): () => Promise<void> | undefined {
  let last = -Infinity;
  return () => {
    if (performance.now() - last < intervalMs) return undefined;
    return nextTurn().then(() => {
      last = performance.now();
    });
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('infill');
}

interface Session {
  /** The filled tokens as a stream (`infillStream`). */
  readonly tokens: AsyncGenerator<InfillToken, void, void>;
  /** Decodes to the end with only `onToken` to hear of each token (`infill`): no stream to await per token. */
  readonly run: () => Promise<void>;
  readonly results: () => InfillResult[];
}

/** What `checkInfill` found: the decoder, the sampler and the validated rows. */
export interface CheckedInfill {
  readonly decoder: InfillDecoder;
  readonly sampler: TokenSampler;
  readonly diffusionSteps: number;
  readonly rows: InfillRow[];
}

/** Checks the method, the sampling options and the requests, and makes the rows: every check `infill` does before any tensor work. */
export function checkInfill(model: MariaModel, requests: readonly InfillRequest[], options: InfillOptions): CheckedInfill {
  const decoder = infillDecoders.get(options.method ?? 'maria');
  const sampler = createTokenSampler(options); // every decoder bans the rows' special and whole-word ids before sampling
  const diffusionSteps = options.diffusionSteps ?? DEFAULT_DIFFUSION_STEPS;
  if (!Number.isInteger(diffusionSteps) || diffusionSteps < 1) throw new InvalidArgumentError('diffusionSteps', diffusionSteps, 'an integer >= 1');
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError('seed', seed, 'an integer');
  const rows = prepareRows(model, requests, seed, options.maxLength, options.wholeWords ?? true);
  return { decoder, sampler, diffusionSteps, rows };
}

/** A row's result as `infill` returns it. */
export function rowResult(model: MariaModel, row: InfillRow, method: InfillMethod, extra: Partial<Pick<InfillResult, 'encoder'>> = {}): InfillResult {
  const piece = (id: number) => model.tokenizer.decode([id]);
  return {
    ids: Array.from(row.tokens),
    masked: [...row.masked],
    filled: row.masked.map((index) => ({ index, id: row.tokens[index] as number, piece: piece(row.tokens[index] as number), logProb: row.logProbs[index] as number })),
    method,
    ...extra,
  };
}

/** Checks everything up front (method, sampling options, requests), then returns the lazy token stream. */
function startSession(model: MariaModel, requests: readonly InfillRequest[], options: InfillOptions): Session {
  const { decoder, sampler, diffusionSteps, rows } = checkInfill(model, requests, options);
  const { signal, onToken } = options;
  const piece = (id: number) => model.tokenizer.decode([id]);

  const event = (token: DecodedToken, step: number): InfillToken => {
    const logProb = (rows[token.row] as InfillRow).logProbs[token.index] as number;
    return { request: token.row, index: token.index, id: token.id, piece: piece(token.id), logProb, step };
  };

  async function* tokens(): AsyncGenerator<InfillToken, void, void> {
    throwIfAborted(signal);
    const steps = decoder.decode(model, rows, { sampler, diffusionSteps });
    const turn = pacedTurns();
    try {
      for (let step = 0; ; step++) {
        await turn();
        throwIfAborted(signal);
        const next = steps.next();
        if (next.done) return;
        for (const token of next.value) {
          const filled = event(token, step);
          onToken?.(filled);
          yield filled;
        }
      }
    } finally {
      steps.return(); // frees the decoder's tensors when stopped early (abort, error, a consumer that breaks)
    }
  }

  async function run(): Promise<void> {
    throwIfAborted(signal);
    const steps = decoder.decode(model, rows, { sampler, diffusionSteps });
    const turn = pacedTurns();
    try {
      for (let step = 0; ; step++) {
        const turning = turn();
        if (turning) await turning;
        throwIfAborted(signal);
        const next = steps.next();
        if (next.done) return;
        if (onToken) for (const token of next.value) onToken(event(token, step));
      }
    } finally {
      steps.return();
    }
  }

  const extra = decoder.describe?.(model) ?? {};
  const results = () => rows.map((row) => rowResult(model, row, decoder.method, extra));
  return { tokens: tokens(), run, results };
}

/**
 * Infills one request or a batch (ARCHITECTURE.md §1.6). `options.method` picks MARIA's
 * Algorithm 1 (default) or a baseline; all share sampling, batching, streaming
 * (`onToken`), cancellation (`signal` → `AbortedError`) and the `maxLength` guard
 * (`InputTooLongError`). Bad requests and options throw before any tensor work.
 *
 * Unmasked tokens are returned unchanged. A batch returns one result per request, in
 * order, equal to infilling each alone with the same per-request seeds.
 */
export function infill(model: MariaModel, request: InfillRequest, options?: InfillOptions): Promise<InfillResult>;
export function infill(model: MariaModel, requests: readonly InfillRequest[], options?: InfillOptions): Promise<InfillResult[]>;
export async function infill(model: MariaModel, requests: InfillRequest | readonly InfillRequest[], options: InfillOptions = {}): Promise<InfillResult | InfillResult[]> {
  const single = !Array.isArray(requests);
  const session = startSession(model, single ? [requests as InfillRequest] : (requests as readonly InfillRequest[]), options);
  await session.run();
  const results = session.results();
  return single ? (results[0] as InfillResult) : results;
}

/**
 * The same decoding as `infill`, as an async iterator over each filled token as soon as its
 * step chooses it (`request` says which sequence). Requests and options are checked when
 * this is called; decoding starts on the first `next()`. Breaking out of the loop stops
 * decoding and frees its tensors; an aborted `signal` makes the iterator throw `AbortedError`.
 */
export function infillStream(model: MariaModel, requests: InfillRequest | readonly InfillRequest[], options: InfillOptions = {}): AsyncIterable<InfillToken> {
  const session = startSession(model, Array.isArray(requests) ? (requests as readonly InfillRequest[]) : [requests as InfillRequest], options);
  return { [Symbol.asyncIterator]: () => session.tokens };
}

/** Names of the registered infill methods, best first. */
export function infillMethods(): InfillMethod[] {
  return infillDecoders.names() as InfillMethod[];
}
