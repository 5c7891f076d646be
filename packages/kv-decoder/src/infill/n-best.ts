import * as tf from '@tensorflow/tfjs';
import { AbortedError, InvalidArgumentError } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { pacedTurns } from './infill.js';
import { prepareRows, type InfillRow } from './infill-row.js';
import type { FilledToken, InfillRequest } from './infill-types.js';
import { bannedLogits, logSumExp } from './log-probability.js';
import { maskedMlmLogits } from './maria-decoder.js';
import { backboneVocabLogits } from './vocab-logits.js';

/** Options of `infillNBest`. */
export interface NBestOptions {
  /** How many joint fills to return, best first (≥ 1). */
  readonly nBest: number;
  /**
   * Hypotheses kept after each masked position (default `nBest`). Beam search is exact once
   * the beam holds every partial fill; a wider beam trades time for fewer search errors.
   */
  readonly beamWidth?: number;
  /** `'maria'` (default: the head, Algorithm 1's factorisation) or `'ar'` (the AR model alone). */
  readonly method?: 'maria' | 'ar';
  /** Apply the whole-word rule to the request's `spans` (default true). */
  readonly wholeWords?: boolean;
  readonly maxLength?: number;
  /** Checked between two masked positions; an aborted search throws `AbortedError`. */
  readonly signal?: AbortSignal;
}

/** One joint fill of every masked position. */
export interface JointFill {
  /** The request's ids with every masked position filled. */
  readonly ids: number[];
  /** One record per masked position, ascending, each with its own log-probability. */
  readonly filled: FilledToken[];
  /** The joint fill's log-probability: the sum of `filled[k].logProb` (left-to-right factorisation). */
  readonly logProb: number;
}

interface Hypothesis {
  readonly tokens: Int32Array;
  readonly logProb: number;
  readonly steps: Float64Array;
}

/** The longest common prefix of two id lists, up to `limit`. */
function commonPrefix(a: ArrayLike<number>, b: ArrayLike<number>, limit: number): number {
  let n = 0;
  while (n < limit && a[n] === b[n]) n++;
  return n;
}

/** Indices of the `k` largest finite values of `values`, largest first (ties: lower index first). */
function topIndices(values: Float32Array, k: number): number[] {
  const picked: number[] = [];
  for (let id = 0; id < values.length; id++) {
    const value = values[id] as number;
    if (value === -Infinity) continue;
    if (picked.length === k && value <= (values[picked[k - 1] as number] as number)) continue;
    if (picked.length < k) picked.push(id);
    else picked[k - 1] = id;
    let at = picked.length - 1;
    while (at > 0 && (values[picked[at - 1] as number] as number) < value) {
      picked[at] = picked[at - 1] as number;
      at--;
    }
    picked[at] = id;
  }
  return picked;
}

/**
 * The `nBest` most likely joint fills of all masked positions of one request, best first,
 * each with its total log-probability, by beam search over the masked positions on the AR
 * model's KV cache (MARIA factorises a fill left to right: log p = Σ_k log p(x_{p_k} |
 * x_<p_k, x_unmasked), each term a log softmax of the head's logits over the allowed ids).
 *
 * The cache holds one row per hypothesis. At each masked position every hypothesis meets the
 * head at its state h_AR(p − 1); the best `beamWidth` extensions survive. Before the next
 * position the cache is cut back only to the longest prefix that every row shares with the
 * hypothesis now assigned to it (all rows agree up to the first mask), and the rest is fed
 * as one chunk, so unmasked runs are read once per hypothesis and never re-read when the
 * beam keeps its order. The MLM half of the head is computed once, as in Algorithm 1.
 *
 * `beamWidth: 1` is greedy decoding. Typed errors before any work: `InvalidArgumentError`
 * for a bad `nBest`/`beamWidth`/method and every error `infill` raises for a bad request.
 */
export async function infillNBest(model: MariaModel, request: InfillRequest, options: NBestOptions): Promise<JointFill[]> {
  const { nBest } = options;
  if (!Number.isInteger(nBest) || nBest < 1) throw new InvalidArgumentError('nBest', nBest, 'an integer >= 1');
  const width = options.beamWidth ?? nBest;
  if (!Number.isInteger(width) || width < nBest) throw new InvalidArgumentError('beamWidth', width, `an integer >= nBest (${nBest})`);
  const method = options.method ?? 'maria';
  if (method !== 'maria' && method !== 'ar') throw new InvalidArgumentError('n-best method', method, "'maria' or 'ar' (the methods that decode left to right on a KV cache)");
  const [row] = prepareRows(model, [request], 0, options.maxLength, options.wholeWords ?? true) as [InfillRow];
  const positions = row.masked;
  const last = positions[positions.length - 1];
  const empty: Hypothesis = { tokens: row.tokens, logProb: 0, steps: new Float64Array(row.tokens.length) };
  if (last === undefined) return [finish(model, row, empty)];
  const vocab = model.vocabSize;
  const bos = model.ar.bosTokenId;
  const arInputs = (tokens: Int32Array, length: number) => Int32Array.from({ length }, (_, j) => (j === 0 ? bos : (tokens[j - 1] as number)));
  const mlm = method === 'maria' ? maskedMlmLogits(model, [row]) : undefined;
  const cache = model.ar.createCache(width, last + 1);
  const turn = pacedTurns();
  try {
    let beam: Hypothesis[] = [empty];
    let held: Int32Array[] = Array.from({ length: width }, () => new Int32Array(0)); // what each cache row has read
    for (const position of positions) {
      await turn();
      if (options.signal?.aborted) throw new AbortedError('n-best infill');
      const wanted = Array.from({ length: width }, (_, r) => arInputs((beam[r] ?? (beam[0] as Hypothesis)).tokens, position + 1));
      const keep = Math.min(cache.length, position, ...wanted.map((inputs, r) => commonPrefix(held[r] as Int32Array, inputs, cache.length)));
      if (keep < cache.length) cache.truncate(keep);
      const chunkLength = position + 1 - keep;
      const chunk = new Int32Array(width * chunkLength);
      wanted.forEach((inputs, r) => chunk.set(inputs.subarray(keep), r * chunkLength));
      held = wanted;
      const logits = tf.tidy(() => {
        const { hidden } = model.ar.step(tf.tensor2d(chunk, [width, chunkLength], 'int32'), cache);
        const state = hidden.slice([0, chunkLength - 1, 0], [width, 1, hidden.shape[2]]).reshape([width, hidden.shape[2]]) as tf.Tensor2D;
        return mlm ? model.head.arLogits(state) : backboneVocabLogits(model.ar, state, vocab);
      });
      const values = logits.dataSync() as Float32Array;
      logits.dispose();
      const candidates: { parent: number; id: number; logProb: number; score: number }[] = [];
      beam.forEach((hypothesis, parent) => {
        const raw = values.slice(parent * vocab, (parent + 1) * vocab);
        if (mlm) {
          const from = mlm.slot(0, position) * vocab;
          const alpha = mlm.arScale(0); // the fusion gate's AR scale, 1 for plain MARIA
          for (let id = 0; id < vocab; id++) raw[id] = alpha * (raw[id] as number) + (mlm.values[from + id] as number);
        }
        const allowed = bannedLogits(raw, row.bans(position, hypothesis.tokens));
        const normaliser = logSumExp(allowed);
        for (const id of topIndices(allowed, width)) {
          const logProb = (allowed[id] as number) - normaliser;
          candidates.push({ parent, id, logProb, score: hypothesis.logProb + logProb });
        }
      });
      candidates.sort((a, b) => b.score - a.score || a.parent - b.parent || a.id - b.id);
      beam = candidates.slice(0, width).map(({ parent, id, logProb, score }) => {
        const from = beam[parent] as Hypothesis;
        const tokens = Int32Array.from(from.tokens);
        tokens[position] = id;
        const steps = Float64Array.from(from.steps);
        steps[position] = logProb;
        return { tokens, logProb: score, steps };
      });
    }
    return beam.slice(0, nBest).map((hypothesis) => finish(model, row, hypothesis));
  } finally {
    cache.dispose();
  }
}

function finish(model: MariaModel, row: InfillRow, hypothesis: Hypothesis): JointFill {
  return {
    ids: Array.from(hypothesis.tokens),
    filled: row.masked.map((index) => {
      const id = hypothesis.tokens[index] as number;
      return { index, id, piece: model.tokenizer.decode([id]), logProb: hypothesis.steps[index] as number };
    }),
    logProb: hypothesis.logProb,
  };
}
