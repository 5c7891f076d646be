import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { ARBackbone, MLMBackbone } from './backbone.js';
import type { FusionHead } from './fusion-head.js';
import type { Tokenizer } from './tokenizer.js';

/** Aligned hidden states of a batch: row i of both is what the head reads to predict token i. */
export interface AlignedStates {
  /** [batch, length, dAR]: `h_AR(i-1)`, the AR state after the clean tokens x_<i (BOS first). */
  readonly hAR: Tensor3D;
  /** [batch, length, dMLM]: `h_MLM(i)`, the MLM state at i of the masked input x̃ (framing stripped). */
  readonly hMLM: Tensor3D;
}

/** How the head's ids map to the MLM's (ARCHITECTURE.md §1.3): only the banned ids matter to decoders. */
export interface HeadVocabularyMap {
  /** True when every head id is the MLM's own id. */
  readonly identity: boolean;
  /** Head ids whose token the MLM lacks, ascending: never a fill or a scored target. */
  readonly banned: readonly number[];
}

/** How much an opt-in fusion gate scales the head's two halves for one sequence. */
export interface FusionGateScales {
  /** α(f): the AR half `h_AR·W_AR`. */
  readonly ar: number;
  /** g(f): the MLM half `h_MLM·W_MLM + b3`. */
  readonly mlm: number;
}

/**
 * An opt-in extension of the fusion (not in the paper): the head's halves are scaled by
 * functions of f, the masked fraction of the sequence (masked positions / length), so
 * `logits = α(f)·AR half + g(f)·MLM half`. `@maria-ts/fusion-head`'s `FractionGate` implements it.
 */
export interface FusionGate {
  scalesAt(fraction: number): FusionGateScales;
}

/**
 * A MARIA model (ARCHITECTURE.md §1.2): a frozen AR and a frozen MLM over one tokenizer and
 * the fusion head over their aligned states. Decoders, scorers and annealing depend on this
 * spec, not on the head's package (`@maria-ts/fusion-head`'s `MariaModel` implements it), so a
 * different head or model assembly can be dropped in.
 */
export interface MariaModel {
  readonly ar: ARBackbone;
  readonly mlm: MLMBackbone;
  readonly head: FusionHead;
  /** The shared tokenizer: the head's vocabulary. */
  readonly tokenizer: Tokenizer;
  /** The MLM's own tokenizer (framing tokens, possibly permuted ids); the shared one when they are the same. */
  readonly mlmTokenizer: Tokenizer;
  /** An MDLM-trained encoder for the masked-diffusion baseline, if the model has one. */
  readonly diffusion: MLMBackbone | undefined;
  readonly vocabularyMap: HeadVocabularyMap;
  /** The id written at masked positions of the MLM's input. */
  readonly maskTokenId: number;
  /** The vocabulary the head predicts over. */
  readonly vocabSize: number;
  /**
   * The fusion gate, when the model was built with one (opt-in): every consumer of the head's
   * logits applies its scales for the sequence's masked fraction. Absent: plain MARIA.
   */
  readonly gate?: FusionGate | undefined;
  /** `h_AR(i-1)` for clean int32 ids [batch, length] → [batch, length, dAR]. */
  arStates(ids: Tensor2D): Tensor3D;
  /** `h_MLM(i)` for the masked input x̃ [batch, length] with `encoder` (default the MLM) → [batch, length, d]. */
  mlmStates(maskedIds: Tensor2D, encoder?: MLMBackbone): Tensor3D;
  /** The MLM's own logits for MLM states [N, d], over the head's ids [N, vocab]. */
  mlmVocabLogits(hMLM: Tensor2D): Tensor2D;
  /** Both aligned states of a batch: clean ids for the AR, masked ids x̃ for the MLM. */
  alignedStates(cleanIds: Tensor2D, maskedIds: Tensor2D): AlignedStates;
  /**
   * Head logits [N, vocab] at flat positions (b·length + i) of a batch; with a `gate`,
   * `fractions` gives the masked fraction of each position's sequence (required then).
   */
  logitsAt(states: AlignedStates, indices: ArrayLike<number>, fractions?: ArrayLike<number>): Tensor2D;
  /** Frees both backbones, the diffusion encoder if any, and the head. */
  dispose(): void;
}
