import type { Rank, Tensor2D, Variable } from '@tensorflow/tfjs';

/**
 * MARIA's fusion head: `logits_i = W3 · [h_AR(i-1) ; h_MLM(i)] + b3`.
 *
 * `W3` is held as its two column blocks, `W_AR` [dAR, vocab] and `W_MLM` [dMLM, vocab],
 * stored input-major so that products need no transpose (the slow path on wasm), and so
 * each half can be applied on its own. The split is what lets Algorithm 1 compute the MLM
 * half once for all masked positions and only the AR half inside the decode loop.
 */
export interface FusionHead {
  readonly vocabSize: number;
  readonly arHiddenSize: number;
  readonly mlmHiddenSize: number;
  /** Full logits for N aligned positions: hAR [N, dAR] and hMLM [N, dMLM] → [N, vocabSize]. */
  logits(hAR: Tensor2D, hMLM: Tensor2D): Tensor2D;
  /** The AR half `h_AR · W_AR` (no bias) → [N, vocabSize]. */
  arLogits(hAR: Tensor2D): Tensor2D;
  /** The MLM half plus bias `h_MLM · W_MLM + b3` → [N, vocabSize]. */
  mlmLogits(hMLM: Tensor2D): Tensor2D;
  /** The trainable parameters. */
  variables(): FusionHeadVariables;
  dispose(): void;
}

/** The head's parameters: `W3 = [arWeight ; mlmWeight]` (stacked along the input axis) and `b3`. */
export interface FusionHeadVariables {
  /** [dAR, vocabSize] */
  readonly arWeight: Variable<Rank.R2>;
  /** [dMLM, vocabSize] */
  readonly mlmWeight: Variable<Rank.R2>;
  /** [vocabSize] */
  readonly bias: Variable<Rank.R1>;
}
