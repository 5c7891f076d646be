import type * as tf from '@tensorflow/tfjs';
import { DecoderBackbone, type CacheGeometry } from '../base/decoder-backbone.js';
import { denseParameters, normParameters } from '../base/parameter-groups.js';
import { transformerParts } from '../base/transformer-parts.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import type { LayerNormParameters } from '../layers/layer-norm.js';
import type { PredictionHeadParameters } from '../layers/prediction-head.js';
import { RotaryEmbedding } from '../layers/rotary-embedding.js';
import type { SelfAttentionContext, SelfAttentionOptions } from '../layers/self-attention.js';
import { modernBertBlock, modernBertBlockParameters, modernBertEmbed, modernBertFinish, type ModernBertBlockParameters } from '../modernbert/block.js';
import type { DecoderRope, ModernBertDecoderConfig } from './config.js';

interface DecoderBlock extends ModernBertBlockParameters {
  readonly attentionOptions: SelfAttentionOptions;
  /** Largest query − key distance a sliding layer sees (`slidingWindow − 1`); null when full. */
  readonly maxDistance: number | null;
}

/**
 * The Ettin decoders: ModernBERT's blocks (normalised embeddings, pre-norm, GeGLU, no
 * `attn_norm` on layer 0) with causal attention, where `sliding_attention` layers see only
 * the last `slidingWindow` positions and use their own RoPE θ. `hidden` is the output of
 * `final_norm` then the prediction head `lm_head` (dense → act → norm), the input of the
 * `decoder` projection (ARCHITECTURE.md §1.1). The KV cache keeps every position; windows
 * are applied by the mask.
 */
export class ModernBertDecoderBackbone extends DecoderBackbone {
  readonly bosTokenId: number;
  protected readonly cacheGeometry: CacheGeometry;
  private readonly config: ModernBertDecoderConfig;
  private readonly embeddingNorm: LayerNormParameters;
  private readonly blocks: DecoderBlock[];
  private readonly finalNorm: LayerNormParameters;
  private readonly predictionHead: PredictionHeadParameters;
  private readonly act: Activation;
  private readonly headAct: Activation;

  constructor(config: ModernBertDecoderConfig, inputs: ModelInputs) {
    super(transformerParts('modernbert-decoder', config, inputs));
    const store = this.store;
    this.config = config;
    this.bosTokenId = config.bosTokenId;
    const headDim = config.hiddenSize / config.numHeads;
    this.cacheGeometry = { numKeyValueHeads: config.numHeads, headDim, hardMaxPositions: config.maxPositions };
    this.embeddingNorm = normParameters(store, 'embeddings.norm');
    this.act = activation(config.activation);
    this.headAct = activation(config.classifierActivation);
    const heads = { numHeads: config.numHeads, numKeyValueHeads: config.numHeads, headDim };
    const rotaries = new Map<DecoderRope, RotaryEmbedding>();
    const rotaryFor = (rope: DecoderRope): RotaryEmbedding => {
      const existing = rotaries.get(rope);
      if (existing) return existing;
      const created = new RotaryEmbedding({ dimension: headDim, theta: rope.theta, scaling: rope.scaling });
      rotaries.set(rope, created);
      return created;
    };
    this.blocks = config.layers.map((layer, i) => ({
      ...modernBertBlockParameters(store, i),
      attentionOptions: { heads, scale: 1 / Math.sqrt(headDim), rotary: rotaryFor(layer.rope), clipQkv: null },
      maxDistance: layer.kind === 'sliding' ? config.slidingWindow - 1 : null,
    }));
    this.finalNorm = normParameters(store, 'finalNorm');
    this.predictionHead = { dense: denseParameters(store, 'headTransform.dense'), norm: normParameters(store, 'headTransform.norm') };
  }

  protected override attentionWindow(layer: number): number | null {
    return this.blocks[layer]?.maxDistance ?? null;
  }

  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    return modernBertEmbed(this.tokenTable, this.embeddingNorm, ids, this.config.normEpsilon);
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as DecoderBlock;
    return modernBertBlock(x, block, block.attentionOptions, context, this.act, this.config.normEpsilon);
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return modernBertFinish(x, this.finalNorm, this.predictionHead, this.headAct, this.config.normEpsilon);
  }
}
