import * as tf from '@tensorflow/tfjs';
import { AbortedError } from '@maria-ts/core';
import { generate, mariaResampler } from '@maria-ts/annealer';
import { mariaExactNll } from '@maria-ts/eval';
import type { MariaModel } from '@maria-ts/fusion-head';
import { infill, modelMaxLength, type InfillToken } from '@maria-ts/kv-decoder';
import type { InfillJob, InfillOutcome, ServeEngine } from './serve-engine.js';

/** Options of `createMariaEngine`. */
export interface MariaEngineOptions {
  /** Shown by /healthz, e.g. the model directory. */
  readonly name?: string;
}

/**
 * The `ServeEngine` of a loaded `MariaModel`:
 * - infill is the kv-decoder's Algorithm 1, one `infill` call per batch; jobs batch together
 *   when their sampling options match (the decoder takes one set per call), and each keeps
 *   its own seed, so batching never changes a result;
 * - generate is the annealer's `generate` (an AR sample, then MARIA remask-and-resample);
 * - score is eval's `mariaExactNll` on the given mask (one AR and one MLM pass).
 *
 * A batch is cancelled when every one of its jobs is; a job whose own signal fires earlier
 * stops receiving tokens and fails with `AbortedError` when the batch ends.
 */
export function createMariaEngine(model: MariaModel, options: MariaEngineOptions = {}): ServeEngine {
  const maxLength = modelMaxLength(model);
  return {
    name: options.name ?? 'maria',
    tokenizer: model.tokenizer,
    maskTokenId: model.maskTokenId,
    vocabSize: model.vocabSize,
    maxLength,
    batchKey: (job) => JSON.stringify([job.sampling.temperature, job.sampling.topK ?? null, job.sampling.topP ?? null]),

    async infillBatch(jobs: readonly InfillJob[]): Promise<(InfillOutcome | Error)[]> {
      const first = jobs[0];
      if (!first) return [];
      const all = allAborted(jobs.map((job) => job.signal));
      try {
        const results = await infill(
          model,
          jobs.map((job) => ({ ids: job.ids, masked: job.masked, seed: job.seed, ...(job.spans ? { spans: job.spans } : {}) })),
          {
            method: 'maria',
            ...first.sampling,
            maxLength,
            signal: all.signal,
            onToken: (token: InfillToken) => {
              const job = jobs[token.request];
              if (job && !job.signal.aborted) job.onToken?.({ index: token.index, id: token.id });
            },
          },
        );
        return results.map((result, index) => {
          if (jobs[index]?.signal.aborted) return new AbortedError('infill');
          // The decoder reports fills ascending by position, which is also its decoding order.
          return { ids: result.ids, filled: result.filled.map(({ index: position, id }) => ({ index: position, id })) };
        });
      } finally {
        all.dispose();
      }
    },

    async generate(job) {
      const result = await generate(model, {
        length: job.length,
        iterations: job.iterations,
        remaskFraction: job.remask,
        schedule: job.schedule,
        seed: job.seed,
        resampler: mariaResampler(model),
        signal: job.signal,
        onIteration: (event) => job.onProgress?.({ iteration: event.iteration, iterations: job.iterations, temperature: event.temperature, ids: event.tokens, elapsedMs: event.elapsedMs }),
      });
      return { ids: result.tokens };
    },

    async score(job) {
      if (job.signal.aborted) throw new AbortedError('score');
      const mask = new Uint8Array(job.ids.length);
      for (const position of job.masked) mask[position] = 1;
      const { nll, tokens } = mariaExactNll(model, { ids: [job.ids], masks: [mask] });
      const total = nll[0] ?? Number.NaN;
      return { negativeLogLikelihood: total, perplexity: Math.exp(total / (tokens[0] ?? 0)) };
    },

    tensorCount: () => tf.memory().numTensors,
    dispose: () => model.dispose(),
  };
}

/** A signal that fires once every one of `signals` has fired (a batch is cancelled only when all its requests are). */
function allAborted(signals: readonly AbortSignal[]): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const check = () => {
    if (signals.every((signal) => signal.aborted)) controller.abort();
  };
  for (const signal of signals) signal.addEventListener('abort', check, { once: true });
  check();
  return { signal: controller.signal, dispose: () => signals.forEach((signal) => signal.removeEventListener('abort', check)) };
}
