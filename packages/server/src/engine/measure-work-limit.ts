import { infillWork } from '../http/request-work.js';
import type { ServeEngine } from './serve-engine.js';

/** What `measureWorkLimit` found. */
export interface WorkLimitMeasurement {
  /** Milliseconds one decode step of work took here (the timed calibration's time over its work). */
  readonly msPerStep: number;
  /** Milliseconds of model time one request may use: a share of the timeout. */
  readonly budgetMs: number;
  /** The resulting limit, in decode steps: ⌊budgetMs / msPerStep⌋, at least 1. */
  readonly maxWork: number;
}

/** Options of `measureWorkLimit`. */
export interface MeasureWorkLimitOptions {
  /** The server's per-request timeout. */
  readonly timeoutMs: number;
  /** Share of the timeout one request's model work may take (default 0.5: the rest covers waiting behind one other request, and load). */
  readonly share?: number;
  /** Tokens of the timed calibration infill, all masked (default 192, at most the model's length): long enough that attention's share of a step shows. */
  readonly tokens?: number;
}

const CALIBRATION_TEXT = 'The cat sat on the mat and looked out of the window at the birds in the garden. ';

/**
 * Measures what a decode step of work costs on this machine and this model, so the server
 * can bound a request's work (`--max-work`) to what finishes within its timeout: a small
 * warm-up infill (the first call compiles kernels), then a timed Algorithm-1 infill of
 * `tokens` tokens, all masked, whose time over its work (`infillWork`) is the cost of a
 * step. Decoding dominates that work, as it does the dearest requests (requests that are
 * mostly passes cost less than their work says: the safe side). It samples with top-p 0.9 (what the playground sends), the dearer draw on
 * a model with flat distributions. Measured on a busy machine the cost comes out high and the limit low,
 * which is the safe side. Runs before the server listens (288 steps of work: 2–4 s on
 * model-tiny with 2 wasm threads on the busy 2-core dev machine).
 */
export async function measureWorkLimit(engine: ServeEngine, options: MeasureWorkLimitOptions): Promise<WorkLimitMeasurement> {
  const tokens = Math.max(2, Math.min(options.tokens ?? 192, engine.maxLength));
  const text = engine.tokenizer.encode(CALIBRATION_TEXT.repeat(Math.ceil(tokens / 8)));
  const ids = Array.from({ length: tokens }, (_, index) => text[index % text.length] as number);
  const run = async (length: number, positions: readonly number[]) => {
    const sequence = ids.slice(0, length).map((id, index) => (positions.includes(index) ? engine.maskTokenId : id));
    const [result] = await engine.infillBatch([{ ids: sequence, masked: positions, sampling: { temperature: 1, topP: 0.9 }, seed: 0, signal: new AbortController().signal }]);
    if (result instanceof Error) throw result;
  };
  const warmUp = Math.min(16, tokens);
  await run(warmUp, [warmUp - 1]);
  const all = ids.map((_, index) => index);
  const started = performance.now();
  await run(tokens, all);
  const msPerStep = Math.max(Number.EPSILON, (performance.now() - started) / infillWork(tokens, all).work);
  const budgetMs = options.timeoutMs * (options.share ?? 0.5);
  return { msPerStep, budgetMs, maxWork: Math.max(1, Math.floor(budgetMs / msPerStep)) };
}
