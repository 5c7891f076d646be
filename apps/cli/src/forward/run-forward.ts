import * as tf from '@tensorflow/tfjs';
import { initEngine, type BackboneInfo, type EngineInfo } from '@maria-ts/core';
import { loadBackbone } from '@maria-ts/backbones';

export interface ForwardRequest {
  /** Checkpoint directory (or Hub model id). */
  readonly model: string;
  /** One sequence of token ids. */
  readonly ids: readonly number[];
  /** `auto`, `tensorflow` or `wasm`; default: `MARIA_ENGINE` or `auto`. */
  readonly engine?: string;
  /** wasm threads (a count or 'auto'); `MARIA_THREADS` or the engine default when absent. */
  readonly threads?: string;
}

/** Hidden states and logits of every position of one sequence, as plain arrays. */
export interface ForwardResult {
  /** [length][hiddenSize]: the input of the vocab projection (ARCHITECTURE.md §1.1). */
  readonly hidden: number[][];
  /** [length][vocabSize], or null for a backbone without a vocab projection. */
  readonly logits: number[][] | null;
  readonly info: BackboneInfo;
  readonly engine: EngineInfo;
}

/**
 * Loads a checkpoint and runs one full forward pass: the library side of
 * `maria forward`, shared by the command and its tests.
 */
export async function runForward(request: ForwardRequest): Promise<ForwardResult> {
  const engine = await initEngine({ engine: request.engine, threads: request.threads });
  const backbone = await loadBackbone(request.model);
  try {
    const ids = tf.tensor2d([...request.ids], [1, request.ids.length], 'int32');
    try {
      const output = backbone.forward(ids, { returnLogits: true });
      try {
        const hidden = (output.hidden.arraySync() as number[][][])[0] ?? [];
        const logits = output.logits ? ((output.logits.arraySync() as number[][][])[0] ?? []) : null;
        return { hidden, logits, info: backbone.info, engine };
      } finally {
        tf.dispose([output.hidden, ...(output.logits ? [output.logits] : [])]);
      }
    } finally {
      ids.dispose();
    }
  } finally {
    backbone.dispose();
  }
}
