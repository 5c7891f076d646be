import * as tf from '@tensorflow/tfjs';
import { type KVCache } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { chooseTokens, type DecodedToken, type DecoderContext } from './infill-decoder.js';
import type { InfillRow } from './infill-row.js';

/** A masked position decided at one step: the row's number in the batch and the position. */
export interface Decision {
  readonly row: number;
  readonly index: number;
}

/**
 * Where a cached left-to-right decoder gets its logits: MARIA's head (AR half on the fresh
 * state plus the precomputed MLM half) or the AR model alone.
 */
export interface CachedLogitSource {
  /**
   * Row-major logits [decisions × vocab] on the host from `hAR`, row-major [decisions × dAR]
   * on the host: the AR state h_AR(i−1) of each decision's row after reading x_<i. The
   * returned buffer is the caller's (the decode loop bans ids in it in place).
   */
  logits(hAR: Float32Array, decisions: readonly Decision[]): Float32Array;
  /** Frees what the source precomputed. */
  dispose(): void;
}

/**
 * The decode loop of Algorithm 1 (ARCHITECTURE.md §1.6), for a batch of rows in one KV cache.
 *
 * The AR model reads `[BOS, x_0, x_1, …]`; its state after `[BOS, x_0 … x_{i−1}]` is
 * h_AR(i−1). With `p_1 < p_2 < …` the positions masked in any row, step k feeds, as one
 * chunk, the AR inputs from just after the last step up to `x_{p_k − 1}`: the token filled at
 * p_{k−1} followed by the run of unmasked tokens after it (the first step: BOS and the
 * leading unmasked run). The state at the chunk's last position is h_AR(p_k − 1), the only
 * one the source turns into logits; p_k is sampled in every row that masks it and the
 * next chunk starts with it. That is one decoder call per masked position and nothing is
 * fed after the last one.
 *
 * Batching is exact: rows of different lengths are padded on the right (a causal model
 * never lets a real token read padding after it), and a position masked in some rows but
 * not others is just a known token for the latter (chunk boundaries do not change a
 * causal model's states). A row whose masks are all filled rides along to the end.
 *
 * Every tensor of a step is freed before the next; the cache is freed when decoding ends,
 * fails, or is stopped through `return()`.
 */
export function* cachedDecode(model: MariaModel, rows: readonly InfillRow[], context: DecoderContext, createSource: () => CachedLogitSource): Generator<DecodedToken[], void, void> {
  const positions = [...new Set(rows.flatMap((row) => row.masked))].sort((a, b) => a - b);
  const last = positions[positions.length - 1];
  if (last === undefined) return;
  const batch = rows.length;
  const padding = model.tokenizer.specialTokens.pad ?? model.ar.bosTokenId;
  const cache = model.ar.createCache(batch, last + 1);
  let source: CachedLogitSource | undefined;
  try {
    source = createSource();
    let fed = 0; // AR inputs read so far; AR input j is BOS for j = 0, else x_{j−1}
    for (const position of positions) {
      const chunkLength = position + 1 - fed;
      const chunk = new Int32Array(batch * chunkLength);
      rows.forEach((row, b) => {
        for (let j = 0; j < chunkLength; j++) {
          const input = fed + j;
          chunk[b * chunkLength + j] = input === 0 ? model.ar.bosTokenId : input - 1 < row.tokens.length ? (row.tokens[input - 1] as number) : padding;
        }
      });
      const decisions: Decision[] = [];
      rows.forEach((row, b) => {
        if (row.maskedSet.has(position)) decisions.push({ row: b, index: position });
      });
      const logits = stepLogits(model, cache, chunk, [batch, chunkLength], decisions, source);
      fed = position + 1;
      yield chooseTokens(rows, decisions, logits, model.vocabSize, context.sampler);
    }
  } finally {
    cache.dispose();
    source?.dispose();
  }
}

/**
 * One decoder call: feeds the chunk [batch, length] and returns logits at the decision rows of
 * its last position. A single sequence on a backbone with a host step goes through
 * `stepChunks` (the chunk's last state only), whose state comes back on the host without any
 * tensor; otherwise `step`.
 */
function stepLogits(model: MariaModel, cache: KVCache, chunk: Int32Array, shape: [number, number], decisions: readonly Decision[], source: CachedLogitSource): Float32Array {
  const [batch, length] = shape;
  const { ar } = model;
  if (batch === 1 && ar.canStepChunks === true && ar.stepChunks) {
    const hidden = (ar.stepChunks([{ ids: chunk, cache }], { lastOnly: true }) as Float32Array[])[0] as Float32Array;
    return source.logits(hidden, decisions); // batch 1: one decision, the chunk's last state
  }
  const states = tf.tidy(() => {
    const { hidden } = ar.step(tf.tensor2d(chunk, shape, 'int32'), cache);
    const width = hidden.shape[2];
    const state = hidden.slice([0, length - 1, 0], [batch, 1, width]).reshape([batch, width]) as tf.Tensor2D;
    return decisions.length === batch ? state : tf.gather(state, Int32Array.from(decisions, (decision) => decision.row));
  });
  try {
    return source.logits(states.dataSync() as Float32Array, decisions);
  } finally {
    states.dispose();
  }
}
