import type { EngineInfo } from '@maria-ts/core';
import type { InfillMethod, InfillToken } from '@maria-ts/kv-decoder';
import { loadMaria, type FillResult } from '@maria-ts/maria';

/** What `maria infill` was asked to do (flags already parsed and checked). */
export interface InfillCommandRequest {
  /** Text with word-level `[MASK]` markers. */
  readonly text: string;
  /** A MARIA directory; default the embedded tiny model. */
  readonly model?: string;
  readonly seed: number;
  /** Token positions per marker: one count for all, or one per marker. */
  readonly tokensPerMask: number | readonly number[];
  readonly method: InfillMethod;
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly maxLength?: number;
  readonly diffusionSteps?: number;
  readonly engine?: string;
  /** wasm threads. */
  readonly threads?: number;
  /** The k most likely joint fills instead of one sample (the sampling options are not used). */
  readonly nBest?: number;
  /** Use the head's fraction gate (opt-in; refused for a head without one). */
  readonly fractionGate?: boolean;
  readonly signal?: AbortSignal;
  readonly onToken?: (token: InfillToken) => void;
}

/** The result of `maria infill`: `Maria.fill`'s result plus what the human output needs. */
export interface InfillCommandResult extends FillResult {
  readonly modelName: string;
  readonly engine: EngineInfo;
}

/**
 * The library side of `maria infill`: `loadMaria` and `Maria.fill`, the path every caller of
 * the library takes, then the model is freed. Typed errors for every bad input (no marker,
 * text too long, a model directory that is missing or whose head does not match its backbones).
 */
export async function runInfill(request: InfillCommandRequest): Promise<InfillCommandResult> {
  // Only --method diffusion reads the diffusion encoder; the other methods skip loading it.
  const maria = await loadMaria(request.model ?? 'tiny', {
    ...(request.engine !== undefined ? { engine: request.engine } : {}),
    ...(request.threads !== undefined ? { threads: request.threads } : {}),
    withDiffusion: request.method === 'diffusion',
    ...(request.fractionGate ? { fractionGate: true } : {}),
  });
  try {
    const sampling = request.nBest !== undefined
      ? { nBest: request.nBest }
      : {
          seed: request.seed,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.topK !== undefined ? { topK: request.topK } : {}),
          ...(request.topP !== undefined ? { topP: request.topP } : {}),
          ...(request.onToken ? { onToken: request.onToken } : {}),
        };
    const result = await maria.fill(request.text, {
      method: request.method,
      tokensPerMask: request.tokensPerMask,
      ...sampling,
      ...(request.maxLength !== undefined ? { maxLength: request.maxLength } : {}),
      ...(request.diffusionSteps !== undefined ? { diffusionSteps: request.diffusionSteps } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { ...result, modelName: maria.name, engine: maria.engine };
  } finally {
    maria.dispose();
  }
}
