import * as tf from '@tensorflow/tfjs';
import { type FusionHead, type FusionHeadVariables, type OutputProjection, ShapeMismatchError, InvalidArgumentError, linear, type Rng } from '@maria-ts/core';

/**
 * How a head's weights began: the product of experts (ARCHITECTURE.md §1.3), a random draw (Figure 2's
 * baseline), or `'unknown'` for heads built from raw tensors. Recorded in the head's config.json.
 */
export type FusionHeadInit = 'product-of-experts' | 'random' | 'unknown';

/**
 * The logit of a banned id (see `LinearFusionHead.banIds`): finite, so `p·log p` stays 0 rather
 * than NaN, and far enough below any real logit that its float32 softmax weight is exactly 0.
 */
export const BANNED_LOGIT = -1e30;

/** Sizes of a head: the shared vocabulary and the two backbones' hidden widths. */
export interface FusionHeadShape {
  readonly vocabSize: number;
  readonly arHiddenSize: number;
  readonly mlmHiddenSize: number;
}

/**
 * The linear fusion head `logits = h_AR · W_AR + h_MLM · W_MLM + b3`, i.e.
 * `W3 · [h_AR ; h_MLM] + b3` with W3 held as its two input blocks (see core's `FusionHead`).
 */
export class LinearFusionHead implements FusionHead {
  readonly vocabSize: number;
  readonly arHiddenSize: number;
  readonly mlmHiddenSize: number;
  /** How the weights were initialised (training does not change it; see `FusionHeadInit`). */
  readonly init: FusionHeadInit;
  private readonly params: FusionHeadVariables;
  /** [vocab] of 0 and `BANNED_LOGIT`, added to the MLM half; null when nothing is banned. */
  private ban: tf.Tensor1D | null = null;

  /** Takes ownership of the three tensors (they become trainable variables). */
  constructor(arWeight: tf.Tensor2D, mlmWeight: tf.Tensor2D, bias: tf.Tensor1D, init: FusionHeadInit = 'unknown') {
    const vocabSize = arWeight.shape[1];
    if (mlmWeight.shape[1] !== vocabSize) throw new ShapeMismatchError('fusion head MLM weight', mlmWeight.shape, [null, vocabSize]);
    if (bias.shape[0] !== vocabSize) throw new ShapeMismatchError('fusion head bias', bias.shape, [vocabSize]);
    this.vocabSize = vocabSize;
    this.arHiddenSize = arWeight.shape[0];
    this.mlmHiddenSize = mlmWeight.shape[0];
    this.init = init;
    this.params = {
      arWeight: tf.variable(arWeight, true, undefined, 'float32') as FusionHeadVariables['arWeight'],
      mlmWeight: tf.variable(mlmWeight, true, undefined, 'float32') as FusionHeadVariables['mlmWeight'],
      bias: tf.variable(bias, true, undefined, 'float32') as FusionHeadVariables['bias'],
    };
    arWeight.dispose();
    mlmWeight.dispose();
    bias.dispose();
  }

  logits(hAR: tf.Tensor2D, hMLM: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(this.arLogits(hAR), this.mlmLogits(hMLM)));
  }

  arLogits(hAR: tf.Tensor2D): tf.Tensor2D {
    if (hAR.shape[1] !== this.arHiddenSize) throw new ShapeMismatchError('h_AR', hAR.shape, [null, this.arHiddenSize]);
    return linear(hAR, this.params.arWeight) as tf.Tensor2D;
  }

  mlmLogits(hMLM: tf.Tensor2D): tf.Tensor2D {
    if (hMLM.shape[1] !== this.mlmHiddenSize) throw new ShapeMismatchError('h_MLM', hMLM.shape, [null, this.mlmHiddenSize]);
    const ban = this.ban;
    if (ban === null) return linear(hMLM, this.params.mlmWeight, this.params.bias) as tf.Tensor2D;
    return tf.tidy(() => tf.add(linear(hMLM, this.params.mlmWeight, this.params.bias), ban) as tf.Tensor2D);
  }

  /**
   * Bans head ids that one backbone cannot score (AR tokens the MLM's tokenizer lacks, see
   * `vocabularyMap`): from now on their logits in `mlmLogits`, hence `logits`, are
   * `BANNED_LOGIT`, so softmax gives them probability exactly 0 and the rest stays a proper
   * distribution over the allowed ids. The ban is a constant, not a trainable variable (the
   * optimizer never sees it) and is not saved: the model re-derives it from the tokenizers.
   */
  banIds(ids: readonly number[]): void {
    for (const id of ids) if (!(Number.isInteger(id) && id >= 0 && id < this.vocabSize)) throw new InvalidArgumentError('banned id', id, `an id in [0, ${this.vocabSize})`);
    this.ban?.dispose();
    if (ids.length === 0) {
      this.ban = null;
      return;
    }
    const values = new Float32Array(this.vocabSize);
    for (const id of ids) values[id] = BANNED_LOGIT;
    this.ban = tf.keep(tf.tensor1d(values));
  }

  /** The ids `banIds` banned, ascending. */
  bannedIds(): number[] {
    if (this.ban === null) return [];
    const values = this.ban.dataSync();
    return Array.from(values.keys()).filter((id) => values[id] !== 0);
  }

  variables(): FusionHeadVariables {
    return this.params;
  }

  dispose(): void {
    this.params.arWeight.dispose();
    this.params.mlmWeight.dispose();
    this.params.bias.dispose();
    this.ban?.dispose();
    this.ban = null;
  }
}

/** Rows [0, vocab) of a [V_model, d] projection, transposed to input-major [d, vocab] and scaled. */
function headBlock(weight: tf.Tensor2D, vocabSize: number, scale: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.transpose(weight.slice([0, 0], [vocabSize, weight.shape[1]])), scale) as tf.Tensor2D);
}

/**
 * Product-of-experts initialisation (ARCHITECTURE.md §1.3): `W3 = [W_AR/2 , W_MLM/2]` and
 * `b3 = (b_AR + b_MLM)/2`, which reduces to the paper's `b_MLM/2` when the AR projection has
 * no bias. At init the head's logits are exactly `(logits_AR + logits_MLM)/2`, i.e. the
 * normalised product of the two experts' distributions (a geometric mean), so training
 * starts from a model that already uses both contexts.
 *
 * `vocabSize` is the shared tokenizer's vocabulary: backbones padded beyond it (ModernBERT's
 * 50368 vs OLMo's 50304) contribute only their first `vocabSize` rows. `mlmRows`, a
 * `vocabularyMap`'s `toOther`, gathers the MLM half for pairs whose ids are permuted.
 */
export function productOfExpertsHead(ar: OutputProjection, mlm: OutputProjection, vocabSize: number, mlmRows?: Int32Array): LinearFusionHead {
  if (mlmRows !== undefined) return gatheredProductOfExpertsHead(ar, mlm, vocabSize, mlmRows);
  for (const [name, projection] of [['AR', ar], ['MLM', mlm]] as const) {
    if (projection.weight.shape[0] < vocabSize) {
      throw new ShapeMismatchError(`${name} vocab projection (fewer rows than the tokenizer's ${vocabSize} ids)`, projection.weight.shape, [vocabSize, projection.weight.shape[1]]);
    }
  }
  const bias = tf.tidy(() => {
    const zero = tf.zeros([vocabSize]) as tf.Tensor1D;
    const arBias = ar.bias ? ar.bias.slice(0, vocabSize) : zero;
    const mlmBias = mlm.bias ? mlm.bias.slice(0, vocabSize) : zero;
    return tf.mul(tf.add(arBias, mlmBias), 0.5) as tf.Tensor1D;
  });
  return new LinearFusionHead(headBlock(ar.weight, vocabSize, 0.5), headBlock(mlm.weight, vocabSize, 0.5), bias, 'product-of-experts');
}

/**
 * `productOfExpertsHead` for a pair whose tokenizers hold the same tokens at different ids
 * (see `vocabularyMap`): head id i takes the AR's row i and the MLM's row `mlmRows[i]`
 * (weight and bias), so at init the logit of i is `(logits_AR[i] + logits_MLM[mlmRows[i]])/2`.
 * An id with `mlmRows[i] = -1` (banned: the MLM lacks its token) gets a zero MLM column and
 * only the AR's half bias; the model must exclude it from sampling and scoring.
 */
function gatheredProductOfExpertsHead(ar: OutputProjection, mlm: OutputProjection, vocabSize: number, mlmRows: Int32Array): LinearFusionHead {
  if (mlmRows.length !== vocabSize) throw new ShapeMismatchError('vocabulary map (one MLM row per head id)', [mlmRows.length], [vocabSize]);
  if (ar.weight.shape[0] < vocabSize) {
    throw new ShapeMismatchError(`AR vocab projection (fewer rows than the tokenizer's ${vocabSize} ids)`, ar.weight.shape, [vocabSize, ar.weight.shape[1]]);
  }
  const mlmVocab = mlm.weight.shape[0];
  for (const row of mlmRows) {
    if (!(row >= -1 && row < mlmVocab)) throw new InvalidArgumentError('vocabulary map entry', row, `an MLM row in [0, ${mlmVocab}) or -1 (banned)`);
  }
  const [mlmWeight, bias] = tf.tidy(() => {
    const rows = tf.tensor1d(mlmRows.map((row) => Math.max(row, 0)), 'int32');
    const kept = tf.tensor1d(Float32Array.from(mlmRows, (row) => (row < 0 ? 0 : 1)));
    const arBias = ar.bias ? ar.bias.slice(0, vocabSize) : (tf.zeros([vocabSize]) as tf.Tensor1D);
    const mlmBias = mlm.bias ? tf.mul(tf.gather(mlm.bias, rows), kept) : (tf.zeros([vocabSize]) as tf.Tensor1D);
    return [tf.mul(tf.transpose(tf.gather(mlm.weight, rows)), tf.mul(kept, 0.5)) as tf.Tensor2D, tf.mul(tf.add(arBias, mlmBias), 0.5) as tf.Tensor1D];
  }) as [tf.Tensor2D, tf.Tensor1D];
  return new LinearFusionHead(headBlock(ar.weight, vocabSize, 0.5), mlmWeight, bias, 'product-of-experts');
}

/** A randomly initialised head (normal, std `std`, zero bias): Figure 2's baseline against PoE init. */
export function randomFusionHead(shape: FusionHeadShape, rng: Rng, std = 0.02): LinearFusionHead {
  if (!(std > 0)) throw new InvalidArgumentError('std', std, 'a positive number');
  const draw = (rows: number) =>
    tf.tensor2d(Float32Array.from({ length: rows * shape.vocabSize }, () => rng.normal(0, std)), [rows, shape.vocabSize]);
  return new LinearFusionHead(draw(shape.arHiddenSize), draw(shape.mlmHiddenSize), tf.zeros([shape.vocabSize]) as tf.Tensor1D, 'random');
}
