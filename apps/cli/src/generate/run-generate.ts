import { InvalidArgumentError, type EngineInfo } from '@maria-ts/core';
import { modelMaxLength } from '@maria-ts/kv-decoder';
import { generate, type GenerateIteration, mariaResampler } from '@maria-ts/annealer';
import { startEngineAndLoadModel } from '@maria-ts/maria';

/** What `maria generate` was asked to do (flags already parsed and checked). */
export interface GenerateCommandRequest {
  /** A MARIA directory; default the embedded tiny model. */
  readonly model?: string;
  readonly length: number;
  readonly iterations: number;
  readonly remask: number;
  readonly seed: number;
  /** A name in the annealer's `temperatureSchedules`. */
  readonly schedule: string;
  readonly engine?: string;
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onIteration?: (event: GenerateIteration) => void;
}

/** The result of `maria generate`. */
export interface GenerateCommandResult {
  readonly text: string;
  readonly tokens: number[];
  /** T_1…T_K. */
  readonly temperatures: number[];
  readonly iterations: number;
  readonly remask: number;
  readonly seed: number;
  readonly schedule: string;
  readonly elapsedMs: number;
  readonly engine: EngineInfo;
}

/**
 * The library side of `maria generate`: loads the model, checks `length` against its longest
 * sequence (an `InvalidArgumentError`, exit code 2), samples x⁰ from its AR backbone at
 * T = 1, anneals it with MARIA for `iterations` steps, and frees the model.
 */
export async function runGenerate(request: GenerateCommandRequest): Promise<GenerateCommandResult> {
  const { engine, model } = await startEngineAndLoadModel(request, request.model, { skipDiffusion: true });
  try {
    // The AR sample feeds BOS plus every token but the last; refuse a length no backbone can take before sampling.
    const limit = Math.min(modelMaxLength(model), model.ar.info.maxPositions - 1);
    if (request.length > limit) throw new InvalidArgumentError('--length', request.length, `an integer from 1 to ${limit} (the longest sequence this model takes)`);
    const result = await generate(model, {
      length: request.length,
      iterations: request.iterations,
      remaskFraction: request.remask,
      seed: request.seed,
      schedule: request.schedule,
      resampler: mariaResampler(model),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onIteration ? { onIteration: request.onIteration } : {}),
    });
    return {
      text: result.text,
      tokens: result.tokens,
      temperatures: result.temperatures,
      iterations: request.iterations,
      remask: request.remask,
      seed: request.seed,
      schedule: request.schedule,
      elapsedMs: result.elapsedMs,
      engine,
    };
  } finally {
    model.dispose();
  }
}
