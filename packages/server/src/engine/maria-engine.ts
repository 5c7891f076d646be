import * as tf from '@tensorflow/tfjs';
import { AbortedError, currentEngine, InvalidArgumentError, type EngineInfo } from '@maria-ts/core';
import { mariaExactNll } from '@maria-ts/eval';
import type { MariaModel } from '@maria-ts/fusion-head';
import type { InfillToken } from '@maria-ts/kv-decoder';
import { Maria } from '@maria-ts/maria';
import type { InfillJob, InfillOutcome, ServeEngine } from './serve-engine.js';

/** Options of `createMariaEngine`. */
export interface MariaEngineOptions {
  /** Shown by /healthz, e.g. the model directory (default: the `Maria`'s name). */
  readonly name?: string;
}

/**
 * The `ServeEngine` of a loaded model, through `@maria-ts/maria`'s `Maria` (a `MariaModel`
 * given instead is wrapped in one on the current engine):
 * - infill is `maria.fillIds`, the path `maria.fill` takes after parsing its text, one call
 *   per job with the job's own seed, sampling options, stream (`onToken`) and `signal`.
 *   `Maria` batches concurrent calls continuously (they share decode steps, a new one joins
 *   at the next step; see `InfillBatcher`), so the engine says `continuousBatching` and the
 *   scheduler starts each job as soon as there is room rather than grouping jobs itself.
 *   Batching never changes a result;
 * - generate is `maria.generate` (an AR sample, then MARIA remask-and-resample);
 * - score is eval's `mariaExactNll` on the given mask (one AR and one MLM pass).
 *
 * A job whose signal fires stops at its next decode step with `AbortedError`; the others go on.
 */
export function createMariaEngine(source: Maria | MariaModel, options: MariaEngineOptions = {}): ServeEngine {
  const maria = source instanceof Maria ? source : new Maria(source, runningEngine(), options.name ?? 'maria');
  const model = maria.model;
  const maxLength = maria.maxLength;
  return {
    name: options.name ?? maria.name,
    tokenizer: model.tokenizer,
    maskTokenId: model.maskTokenId,
    vocabSize: model.vocabSize,
    maxLength,
    batchKey: () => 'infill', // sampling is per request: any jobs may share steps
    continuousBatching: true,

    infillBatch(jobs: readonly InfillJob[]): Promise<(InfillOutcome | Error)[]> {
      return Promise.all(
        jobs.map(async (job): Promise<InfillOutcome | Error> => {
          try {
            const result = await maria.fillIds(
              { ids: [...job.ids], masked: job.masked, seed: job.seed, ...(job.spans ? { spans: job.spans } : {}) },
              {
                method: 'maria',
                ...job.sampling,
                maxLength,
                signal: job.signal,
                onToken: (token: InfillToken) => {
                  if (!job.signal.aborted) job.onToken?.({ index: token.index, id: token.id });
                },
              },
            );
            if (job.signal.aborted) return new AbortedError('infill');
            // The decoder reports fills ascending by position, which is also its decoding order.
            return { ids: result.ids, filled: result.filled.map(({ index, id }) => ({ index, id })) };
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
    },

    async generate(job) {
      const result = await maria.generate({
        length: job.length,
        iterations: job.iterations,
        remask: job.remask,
        schedule: job.schedule,
        seed: job.seed,
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
    dispose: () => maria.dispose(),
  };
}

/** The engine `initEngine` started, for a `Maria` around a model built on it. */
function runningEngine(): EngineInfo {
  const engine = currentEngine();
  if (!engine) throw new InvalidArgumentError('engine', 'not started', 'an engine started with initEngine before the model was built');
  return engine;
}
