import * as tf from '@tensorflow/tfjs';
import {
  InputTooLongError,
  InvalidArgumentError,
  ShapeMismatchError,
  type BackboneInfo,
  type BackboneOutput,
  type ForwardOptions,
  type OutputProjection,
} from '@maria-ts/core';
import { attentionBias } from '../layers/attention-mask.js';
import type { SelfAttentionContext } from '../layers/self-attention.js';
import type { VocabProjection } from '../layers/vocab-projection.js';
import { disassembleParameters, type CheckpointTensor } from '../parameters/host-parameters.js';
import type { ParameterRule } from '../parameters/parameter-rule.js';
import type { ParameterStore } from '../parameters/parameter-store.js';

/** Forward options of our backbones: core's, plus the per-block residual stream for tests. */
export interface TransformerForwardOptions extends ForwardOptions {
  /** Also return the residual stream after every block (before any final norm). */
  readonly returnLayerHidden?: boolean;
}

export interface TransformerOutput extends BackboneOutput {
  /** [batch, length, width] after each block, when `returnLayerHidden` was set. */
  readonly layerHidden?: tf.Tensor3D[];
}

/** A Hugging Face checkpoint in memory: config.json's object and tensors by checkpoint name. */
export interface CheckpointContents {
  readonly config: Record<string, unknown>;
  readonly tensors: Map<string, CheckpointTensor>;
}

/** What every family model hands to the shared transformer machinery. */
export interface TransformerParts {
  readonly info: BackboneInfo;
  /** The token embedding table [vocab, hidden] (`embeddings.tokens`). */
  readonly tokenTable: tf.Tensor2D;
  readonly store: ParameterStore;
  readonly head: VocabProjection;
  /** Rows of the embedding table: ids at or above it are rejected before the lookup. */
  readonly embeddingRows: number;
  /** The rules that built the store, for exporting the weights back to checkpoint names. */
  readonly rules: readonly ParameterRule[];
  /** config.json as it should be written next to exported weights. */
  readonly checkpointConfig: Record<string, unknown>;
}

/**
 * The forward pass shared by all four families: embed, run the blocks with the right
 * attention mask per layer, apply the final transform, optionally project to the vocab.
 * Families supply the embedding, one block and the final transform; decoders add the KV
 * cache on top (`DecoderBackbone`).
 */
export abstract class TransformerBackbone {
  readonly info: BackboneInfo;
  protected readonly store: ParameterStore;
  protected readonly head: VocabProjection;
  protected readonly tokenTable: tf.Tensor2D;
  protected readonly embeddingRows: number;
  private readonly rules: readonly ParameterRule[];
  private readonly checkpointConfig: Record<string, unknown>;
  protected disposed = false;

  /** Whether a query sees only earlier keys. */
  protected abstract readonly causal: boolean;

  constructor(parts: TransformerParts) {
    this.info = parts.info;
    this.store = parts.store;
    this.head = parts.head;
    this.tokenTable = parts.tokenTable;
    this.embeddingRows = parts.embeddingRows;
    this.rules = parts.rules;
    this.checkpointConfig = parts.checkpointConfig;
  }

  /** Token (and position) embeddings of ids [batch, length] starting at absolute position `offset`. */
  protected abstract embed(ids: tf.Tensor2D, offset: number): tf.Tensor3D;

  /** Transformer block `layer`. */
  protected abstract block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D;

  /** Everything between the last block and the vocab projection (final norm, MLM head transform). */
  protected abstract finish(x: tf.Tensor3D): tf.Tensor3D;

  /** Sliding-window half width of `layer` (|query − key| ≤ it), or null for full attention. */
  protected attentionWindow(_layer: number): number | null {
    return null;
  }

  /** Rejects ids that are not [batch, length] integers inside the embedding table. */
  protected validateIds(ids: tf.Tensor2D): void {
    if (this.disposed) throw new InvalidArgumentError('backbone', this.info.family, 'a backbone that has not been disposed');
    if (ids.rank !== 2) throw new ShapeMismatchError('token ids', ids.shape, [null, null]);
    if (ids.shape[1] === 0) throw new InvalidArgumentError('token ids', [], 'at least one token per sequence');
    const values = ids.dataSync();
    for (let i = 0; i < values.length; i++) {
      const id = values[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= this.embeddingRows) {
        const length = ids.shape[1];
        throw new InvalidArgumentError(`token id at [${Math.floor(i / length)}, ${i % length}]`, id, `an integer in [0, ${this.embeddingRows})`);
      }
    }
  }

  /** One additive mask per distinct window, shared by the layers that use it. */
  protected masksByLayer(batchSize: number, queryLength: number, keyLength: number, queryOffset: number, keyPadding: ArrayLike<number> | null): (tf.Tensor4D | null)[] {
    const byWindow = new Map<number | null, tf.Tensor4D | null>();
    return Array.from({ length: this.info.numLayers }, (_, layer) => {
      const window = this.attentionWindow(layer);
      if (!byWindow.has(window)) {
        byWindow.set(window, attentionBias({ batchSize, queryLength, keyLength, queryOffset, causal: this.causal, maxDistance: window, keyPadding }));
      }
      return byWindow.get(window) ?? null;
    });
  }

  /**
   * The forward's `hidden` for checked ids [batch, length] without padding, as direct
   * TensorFlow ops (core's `nativeOps`) where the family has such a pass and the active
   * backend is tfjs-node with no gradient tape recording; null otherwise (the tfjs layers run).
   */
  protected nativeHidden(_ids: tf.Tensor2D): tf.Tensor3D | null {
    return null;
  }

  /**
   * Refuses positions past the model's `maxPositions` (`max_position_embeddings`) with an
   * `InputTooLongError`, for every family: learned position tables end there, and RoPE
   * models were not trained past it (20,000 ids through a 2,048-position Llama ran until
   * killed instead of failing).
   */
  protected assertWithinPositions(end: number): void {
    const limit = this.info.maxPositions;
    if (end > limit) throw new InputTooLongError(`${this.info.family} input`, end, limit);
  }

  forward(ids: tf.Tensor2D, options: TransformerForwardOptions = {}): TransformerOutput {
    if (ids.rank === 2) this.assertWithinPositions(ids.shape[1]);
    this.validateIds(ids);
    const [batch, length] = ids.shape;
    let keyPadding: ArrayLike<number> | null = null;
    if (options.attentionMask) {
      const mask = options.attentionMask;
      if (mask.shape[0] !== batch || mask.shape[1] !== length) throw new ShapeMismatchError('attentionMask', mask.shape, [batch, length]);
      keyPadding = mask.dataSync();
    }
    if (keyPadding === null && !options.returnLayerHidden) {
      const hidden = this.nativeHidden(ids);
      if (hidden !== null) return options.returnLogits ? { hidden, logits: tf.tidy(() => this.head.project(hidden) as tf.Tensor3D) } : { hidden };
    }
    return tf.tidy(() => {
      const masks = this.masksByLayer(batch, length, length, 0, keyPadding);
      let x = this.embed(ids, 0);
      const layerHidden: tf.Tensor3D[] = [];
      for (let layer = 0; layer < this.info.numLayers; layer++) {
        x = this.block(layer, x, { positionOffset: 0, bias: masks[layer] ?? null });
        if (options.returnLayerHidden) layerHidden.push(x);
      }
      const hidden = this.finish(x);
      const logits = options.returnLogits ? (this.head.project(hidden) as tf.Tensor3D) : undefined;
      return { hidden, ...(logits ? { logits } : {}), ...(options.returnLayerHidden ? { layerHidden } : {}) };
    });
  }

  project(hidden: tf.Tensor): tf.Tensor {
    return this.head.project(hidden);
  }

  outputProjection(): OutputProjection {
    return this.head.outputProjection();
  }

  variables(): tf.Variable[] {
    return this.store.variables();
  }

  /**
   * The weights under Hugging Face names and layouts plus config.json, ready for the
   * safetensors writer: how a model pretrained here becomes a checkpoint.
   */
  toCheckpoint(): CheckpointContents {
    return { config: { ...this.checkpointConfig }, tensors: disassembleParameters(this.rules, this.store.toHost()) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.head.dispose();
    this.store.dispose();
  }
}
