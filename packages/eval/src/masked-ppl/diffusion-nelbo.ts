import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, Rng, type MLMBackbone } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { DEFAULT_MAX_BATCH_TOKENS, DEFAULT_MAX_LOGIT_ROWS } from './batch-plan.js';
import { equalLengthBatches } from './equal-length-batches.js';
import { MissingComponentError } from '../errors.js';
import { emptyMaskedNll, maskedPositions, validateMaskedExamples, type MaskedExamples, type MaskedNll, type MaskedScoreOptions } from './masked-nll.js';
import { gatheredRowNll, idMatrix } from './row-nll.js';

/** Options of `diffusionNelbo`. */
export interface DiffusionNelboOptions extends MaskedScoreOptions {
  /** K, the Monte Carlo samples of t per example (default 8). */
  readonly samples?: number;
  /** Seed of the t draws and of the per-t masks (default 0). */
  readonly seed?: number;
}

/** One Monte Carlo sample: example, time t, and the target positions hidden at t. */
interface DiffusionSample {
  readonly example: number;
  readonly t: number;
  readonly hidden: readonly number[];
}

/** The model's diffusion encoder, or a `MissingComponentError` that says what to do instead. */
export function requireDiffusion(model: MariaModel): MLMBackbone {
  if (model.diffusion) return model.diffusion;
  throw new MissingComponentError('diffusion encoder', 'the masked-diffusion NELBO needs an MDLM-trained encoder (model.diffusion); drop "diffusion" from --methods or use a model directory that has one');
}

/** A uniform draw in (0, 1), never exactly 0 (t = 0 would weigh its CE by 1/0). */
function openUniform(rng: Rng): number {
  for (;;) {
    const u = rng.uniform();
    if (u > 0) return u;
  }
}

/**
 * The masked-diffusion baseline's conditional NELBO (SMDM/MDLM style, ARCHITECTURE.md §1.7): an upper
 * bound on `−log p(x_M | x_rest)` for the target set M (the masked positions), estimated by
 * Monte Carlo over t. For each example, K times t_k = (k + u)/K (stratified, one u ~ U(0,1)
 * per example), each target token is hidden with probability t_k while all other tokens
 * stay visible; the diffusion encoder reads that input and the estimate is
 *   NELBO = (1/K) Σ_k (1/t_k) Σ_{i ∈ M hidden at t_k} −log p(x_i | input_k).
 * A sample that hides no target adds 0. Every sample of a batch goes through the encoder in
 * equal-length passes of at most `maxBatchTokens` tokens. Example i draws from the i-th
 * `split()` of `new Rng(seed)`, so results do not depend on batching.
 *
 * Needs `model.diffusion` (an MDLM-trained encoder); throws `MissingComponentError` otherwise.
 */
export function diffusionNelbo(model: MariaModel, examples: MaskedExamples, options: DiffusionNelboOptions = {}): MaskedNll {
  const encoder = requireDiffusion(model);
  const samples = options.samples ?? 8;
  if (!Number.isInteger(samples) || samples < 1) throw new InvalidArgumentError('samples (K)', samples, 'an integer ≥ 1');
  validateMaskedExamples(examples);
  const result = emptyMaskedNll(examples.ids.length);
  const maxRows = options.maxLogitRows ?? DEFAULT_MAX_LOGIT_ROWS;
  const maxBatchTokens = options.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS;
  const root = new Rng(options.seed ?? 0);
  const draws: DiffusionSample[][] = examples.ids.map((_, example) => {
    const rng = root.split();
    const targets = maskedPositions(examples.masks[example] as ArrayLike<number>);
    result.tokens[example] = targets.length;
    const u = openUniform(rng);
    return Array.from({ length: samples }, (__, k) => {
      const t = (k + u) / samples;
      return { example, t, hidden: targets.filter(() => rng.uniform() < t) };
    });
  });
  for (const batch of equalLengthBatches(examples.ids.map((row) => row.length), maxBatchTokens)) {
    const length = examples.ids[batch[0] as number]?.length ?? 0;
    const rows = batch.flatMap((example) => (draws[example] as DiffusionSample[]).filter((sample) => sample.hidden.length > 0));
    const rowsPerPass = Math.max(1, Math.floor(maxBatchTokens / Math.max(1, length)));
    for (let start = 0; start < rows.length; start += rowsPerPass) {
      const pass = rows.slice(start, start + rowsPerPass);
      const inputs = pass.map((sample) => {
        const ids = [...(examples.ids[sample.example] as readonly number[])];
        for (const position of sample.hidden) ids[position] = encoder.maskTokenId;
        return ids;
      });
      const flat: number[] = [];
      const labels: number[] = [];
      pass.forEach((sample, r) => {
        for (const position of sample.hidden) {
          flat.push(r * length + position);
          labels.push((examples.ids[sample.example] as readonly number[])[position] as number);
        }
      });
      const hidden = tf.tidy(() => model.mlmStates(idMatrix(inputs), encoder));
      try {
        const nll = gatheredRowNll(hidden, Int32Array.from(flat), Int32Array.from(labels), (h) => encoder.project(h), model.vocabSize, maxRows);
        let k = 0;
        for (const sample of pass) {
          let sum = 0;
          for (let j = 0; j < sample.hidden.length; j++) sum += nll[k++] as number;
          result.nll[sample.example] = (result.nll[sample.example] as number) + sum / (sample.t * samples);
        }
      } finally {
        hidden.dispose();
      }
      options.onProgress?.((batch.length * pass.length) / rows.length);
    }
    if (rows.length === 0) options.onProgress?.(batch.length);
  }
  return result;
}
