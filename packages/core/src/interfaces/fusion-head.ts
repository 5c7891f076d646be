import type { Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';

/**
 * MARIA's fusion head: `logits_i = W3 · [h_AR(i-1) ; h_MLM(i)] + b3`, with
 * `W3 = [W_AR | W_MLM]` split column-wise so each half can be applied on its own. The
 * split is what lets Algorithm 1 compute the MLM half once for all masked positions and
 * only the AR half inside the decode loop.
 */
export interface FusionHead {
  readonly vocabSize: number;
  readonly arHiddenSize: number;
  readonly mlmHiddenSize: number;
  /** Full logits for N aligned positions: hAR [N, dAR] and hMLM [N, dMLM] → [N, vocabSize]. */
  logits(hAR: Tensor2D, hMLM: Tensor2D): Tensor2D;
  /** The AR half `W3[:, :dAR] · h_AR` (no bias) → [N, vocabSize]. */
  arLogits(hAR: Tensor2D): Tensor2D;
  /** The MLM half plus bias `W3[:, dAR:] · h_MLM + b3` → [N, vocabSize]. */
  mlmLogits(hMLM: Tensor2D): Tensor2D;
  /** The trainable parameters: W3 [vocabSize, dAR + dMLM] and b3 [vocabSize]. */
  variables(): { readonly weight: Variable; readonly bias: Variable };
  dispose(): void;
}

/** Plain arrays of a head's parameters, for saving. */
export interface FusionHeadWeights {
  readonly weight: Tensor2D;
  readonly bias: Tensor1D;
}
