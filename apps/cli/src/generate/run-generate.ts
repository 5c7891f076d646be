import type { EngineInfo } from '@maria-ts/core';
import type { GenerateIteration } from '@maria-ts/annealer';
import { loadMaria } from '@maria-ts/maria';
import { withFlagNames } from '../flag-names.js';

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
 * The library side of `maria generate`: `loadMaria` and `Maria.generate`, which checks `length`
 * against the model's longest sequence (an `InvalidArgumentError` naming `--length`, exit code
 * 2), samples x⁰ from its AR backbone at T = 1 and anneals it with MARIA for `iterations` steps;
 * then the model is freed.
 */
export async function runGenerate(request: GenerateCommandRequest): Promise<GenerateCommandResult> {
  const maria = await loadMaria(request.model ?? 'tiny', {
    ...(request.engine !== undefined ? { engine: request.engine } : {}),
    ...(request.threads !== undefined ? { threads: request.threads } : {}),
  });
  try {
    const result = await withFlagNames({ length: '--length' }, () =>
      maria.generate({
        length: request.length,
        iterations: request.iterations,
        remask: request.remask,
        seed: request.seed,
        schedule: request.schedule,
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.onIteration ? { onIteration: request.onIteration } : {}),
      }),
    );
    return {
      text: result.text,
      tokens: result.tokens,
      temperatures: result.temperatures,
      iterations: request.iterations,
      remask: request.remask,
      seed: request.seed,
      schedule: request.schedule,
      elapsedMs: result.elapsedMs,
      engine: maria.engine,
    };
  } finally {
    maria.dispose();
  }
}
