import type { EngineInfo } from '@maria-ts/core';
import { infill, type FilledToken, type InfillMethod, type InfillToken } from '@maria-ts/kv-decoder';
import { parseMaskedText, type MaskedTextSegment } from '@maria-ts/masking';
import { startEngineAndLoadModel } from '../engine-and-model.js';

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
  readonly signal?: AbortSignal;
  readonly onToken?: (token: InfillToken) => void;
}

/** A text segment of the filled output: user text, or the decoded fill of one marker. */
export interface OutputSegment {
  readonly kind: 'text' | 'fill';
  readonly text: string;
}

/** The result of `maria infill`: the §6 contract's fields plus what the human output needs. */
export interface InfillCommandResult {
  /** The filled text (every token decoded). */
  readonly text: string;
  /** Token ids of the filled text. */
  readonly tokens: number[];
  /** The masked positions. */
  readonly masked: number[];
  readonly filled: FilledToken[];
  /** The text split into user text and fills, for highlighting. */
  readonly segments: OutputSegment[];
  readonly method: InfillMethod;
  /** For `diffusion`: `'mlm'` when the model has no diffusion encoder and the MLM stood in. */
  readonly encoder?: 'diffusion' | 'mlm';
  readonly modelName: string;
  readonly engine: EngineInfo;
}

function outputSegments(segments: readonly MaskedTextSegment[], tokens: readonly number[], decode: (ids: number[]) => string): OutputSegment[] {
  return segments.map((segment) => ({ kind: segment.kind === 'mask' ? 'fill' : 'text', text: decode(tokens.slice(segment.start, segment.end)) }));
}

/**
 * The library side of `maria infill`: loads the model, parses the word-level `[MASK]` text
 * (`tokensPerMask` positions per marker), infills it with the chosen method and returns the
 * filled text and tokens. Typed errors for every bad input (no marker, text too long, a
 * model directory that is missing or whose head does not match its backbones).
 */
export async function runInfill(request: InfillCommandRequest): Promise<InfillCommandResult> {
  // Only --method diffusion reads the diffusion encoder; the other methods skip loading it.
  const { engine, model } = await startEngineAndLoadModel(request, request.model, request.method === 'diffusion' ? {} : { skipDiffusion: true });
  try {
    const parsed = parseMaskedText(request.text, model.tokenizer, { tokensPerMask: request.tokensPerMask, maskTokenId: model.maskTokenId });
    const result = await infill(model, { ids: parsed.ids, masked: parsed.masked }, {
      method: request.method,
      seed: request.seed,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topK !== undefined ? { topK: request.topK } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.maxLength !== undefined ? { maxLength: request.maxLength } : {}),
      ...(request.diffusionSteps !== undefined ? { diffusionSteps: request.diffusionSteps } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onToken ? { onToken: request.onToken } : {}),
    });
    const decode = (ids: number[]) => model.tokenizer.decode(ids);
    return {
      text: decode(result.ids),
      tokens: result.ids,
      masked: result.masked,
      filled: result.filled,
      segments: outputSegments(parsed.segments, result.ids, decode),
      method: result.method,
      ...(result.encoder ? { encoder: result.encoder } : {}),
      modelName: request.model ?? 'model-tiny (embedded)',
      engine,
    };
  } finally {
    model.dispose();
  }
}
