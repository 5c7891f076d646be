import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import type { KVCache } from './kv-cache.js';

/** Spec version of the backbone interfaces; bump on breaking change. */
export const BACKBONE_SPEC_VERSION = 1;

/** What a backbone is, independent of its weights' values. */
export interface BackboneInfo {
  /** Registered family name, e.g. `'gpt2'`, `'llama'`, `'olmo'`, `'bert'`, `'modernbert'`. */
  readonly family: string;
  /** Rows of the vocab projection (may exceed the tokenizer's vocab by padding). */
  readonly vocabSize: number;
  /** Width of `hidden`, the input of the vocab projection. */
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** Longest sequence the position scheme supports, or `Infinity` for RoPE without a limit. */
  readonly maxPositions: number;
  /** Content hash of the weights (hex), so a fusion head can refuse to pair with other weights. */
  readonly contentHash?: string;
}

/**
 * Outputs of one forward pass. `hidden` is always the input of the final vocab projection
 * (ARCHITECTURE.md §1.1: GPT-2 after ln_f, Llama/OLMo after the final norm, BERT after the MLM
 * transform, ModernBERT after its head), so the fusion head can consume it directly.
 */
export interface BackboneOutput {
  /** [batch, length, hiddenSize] */
  readonly hidden: Tensor3D;
  /** [batch, length, vocabSize], present when `returnLogits` was true. */
  readonly logits?: Tensor3D;
}

export interface ForwardOptions {
  /** Also compute `hidden · Wᵀ (+ b)`. Default false: MARIA usually needs only `hidden`. */
  readonly returnLogits?: boolean;
  /** [batch, length] of 1 (real token) / 0 (padding). Default: all ones. */
  readonly attentionMask?: Tensor2D;
}

/** The final vocab projection `logits = hidden · Wᵀ (+ bias)`, used for product-of-experts init. */
export interface OutputProjection {
  /** [vocabSize, hiddenSize] */
  readonly weight: Tensor2D;
  /** [vocabSize], or null for projections without a bias. */
  readonly bias: Tensor1D | null;
}

/** Behaviour shared by the causal and the masked backbones. */
export interface LanguageBackbone {
  readonly kind: 'ar' | 'mlm';
  readonly info: BackboneInfo;
  /** Full forward on int32 ids [batch, length]. The caller disposes the returned tensors. */
  forward(ids: Tensor2D, options?: ForwardOptions): BackboneOutput;
  /** Applies the vocab projection to hidden states of any leading shape. */
  project(hidden: Tensor): Tensor;
  /** The vocab projection's parameters (owned by the backbone; do not dispose). */
  outputProjection(): OutputProjection;
  /** Every trainable variable, for pretraining. MARIA itself keeps backbones frozen. */
  variables(): Variable[];
  dispose(): void;
}

/**
 * A causal (autoregressive) backbone. `forward` reads the whole sequence; `step` extends a
 * `KVCache` by a chunk of new tokens and returns their hidden states, which is what makes
 * MARIA's infilling as fast as AR decoding.
 */
export interface ARBackbone extends LanguageBackbone {
  readonly kind: 'ar';
  /** Token prepended so position 0 has a state to predict from (ARCHITECTURE.md §1.2). */
  readonly bosTokenId: number;
  /** An empty cache for `batchSize` sequences of up to `capacity` tokens. */
  createCache(batchSize: number, capacity: number): KVCache;
  /**
   * Feeds `ids` [batch, chunk] after the tokens already in `cache`, appends their keys and
   * values to it in place, and returns the chunk's hidden states.
   */
  step(ids: Tensor2D, cache: KVCache, options?: Pick<ForwardOptions, 'returnLogits'>): BackboneOutput;
  /**
   * True where `stepChunks` runs (backbones with a host decode step, e.g. Llama/OLMo with a
   * host activation); absent or false elsewhere, where callers step one cache at a time.
   */
  readonly canStepChunks?: boolean;
  /**
   * Several sequences' next chunks in one decode step, each sequence in its own cache (batch
   * size 1, from `createCache`) at its own position: every layer's products run once over the
   * rows of all chunks together, attention reads each sequence's own cache. Returns each
   * chunk's hidden states on the host, row-major [chunk length × hiddenSize], and advances
   * each cache by its chunk; the same values as `step` on each chunk alone. A chunk that is
   * refused (bad ids, a full cache) throws before any cache changes. Only where `canStepChunks`.
   *
   * With `lastOnly`, each chunk's last row only ([hiddenSize]), which is all a decoder reads:
   * every row still writes its keys and values into the cache, but the backbone may skip what
   * only the other rows' final states need (the last layer's attention output, MLP and norm).
   */
  stepChunks?(chunks: readonly ARChunk[], options?: StepChunksOptions): Float32Array[];
}

/** Options of `ARBackbone.stepChunks`. */
export interface StepChunksOptions {
  /** Return each chunk's last hidden state only (default false: every row's). */
  readonly lastOnly?: boolean;
}

/** One sequence's chunk of `ARBackbone.stepChunks`. */
export interface ARChunk {
  /** The chunk's token ids, at positions `cache.length…`. */
  readonly ids: ArrayLike<number>;
  /** The sequence's own cache, of batch size 1. */
  readonly cache: KVCache;
}

/** A bidirectional masked LM backbone. */
export interface MLMBackbone extends LanguageBackbone {
  readonly kind: 'mlm';
  /** Id written at masked positions of the MLM's input. */
  readonly maskTokenId: number;
}

/** Type guard separating the two backbone kinds. */
export function isARBackbone(backbone: LanguageBackbone): backbone is ARBackbone {
  return backbone.kind === 'ar';
}
