import { embeddingLookup, tf } from '@maria-ts/core';
import { EncoderBackbone } from '../base/encoder-backbone.js';
import { transformerParts } from '../base/transformer-parts.js';
import { denseParameters, layerParameter, normParameters } from '../base/parameter-groups.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import { gatedFeedForward, type GatedFeedForwardParameters } from '../layers/gated-feed-forward.js';
import { layerNorm, type LayerNormParameters } from '../layers/layer-norm.js';
import { predictionHead, type PredictionHeadParameters } from '../layers/prediction-head.js';
import { RotaryEmbedding } from '../layers/rotary-embedding.js';
import { selfAttention, type SelfAttentionContext, type SelfAttentionOptions, type SelfAttentionParameters } from '../layers/self-attention.js';
import type { ModernBertConfig } from './config.js';

interface ModernBertBlock {
  /** Null on layer 0, whose input is already the normalised embedding. */
  readonly attentionNorm: LayerNormParameters | null;
  readonly attention: SelfAttentionParameters;
  readonly attentionOptions: SelfAttentionOptions;
  readonly window: number | null;
  readonly mlpNorm: LayerNormParameters;
  readonly mlp: GatedFeedForwardParameters;
}

/**
 * ModernBERT as a masked LM: normalised token embeddings (no position table), pre-norm
 * blocks with RoPE whose θ and attention span depend on the layer (global full attention
 * or a local sliding window), a GeGLU MLP, a final norm, then the head (dense → act →
 * norm), whose output is `hidden` (ARCHITECTURE.md §1.1), and a decoder tied to the embeddings
 * with a bias.
 */
export class ModernBertBackbone extends EncoderBackbone {
  private readonly config: ModernBertConfig;
  private readonly embeddingNorm: LayerNormParameters;
  private readonly blocks: ModernBertBlock[];
  private readonly finalNorm: LayerNormParameters;
  private readonly predictionHead: PredictionHeadParameters;
  private readonly act: Activation;
  private readonly headAct: Activation;

  constructor(config: ModernBertConfig, inputs: ModelInputs) {
    super(transformerParts('modernbert', config, inputs), inputs.maskTokenId);
    const store = this.store;
    this.config = config;
    this.embeddingNorm = normParameters(store, 'embeddings.norm');
    this.act = activation(config.activation);
    this.headAct = activation(config.classifierActivation);
    const headDim = config.hiddenSize / config.numHeads;
    const heads = { numHeads: config.numHeads, numKeyValueHeads: config.numHeads, headDim };
    const rotaryByTheta = new Map<number, RotaryEmbedding>();
    this.blocks = config.layers.map((layer, i) => {
      if (!rotaryByTheta.has(layer.ropeTheta)) rotaryByTheta.set(layer.ropeTheta, new RotaryEmbedding({ dimension: headDim, theta: layer.ropeTheta }));
      return {
        attentionNorm: i === 0 ? null : normParameters(store, layerParameter(i, 'attentionNorm')),
        attention: {
          queryKeyValue: denseParameters(store, layerParameter(i, 'attention.queryKeyValue')),
          output: denseParameters(store, layerParameter(i, 'attention.output')),
        },
        attentionOptions: { heads, scale: 1 / Math.sqrt(headDim), rotary: rotaryByTheta.get(layer.ropeTheta) ?? null, clipQkv: null },
        window: layer.kind === 'local' ? config.localWindowHalfWidth : null,
        mlpNorm: normParameters(store, layerParameter(i, 'mlpNorm')),
        mlp: { gateAndUp: denseParameters(store, layerParameter(i, 'mlp.gateAndUp')), down: denseParameters(store, layerParameter(i, 'mlp.down')) },
      };
    });
    this.finalNorm = normParameters(store, 'finalNorm');
    this.predictionHead = { dense: denseParameters(store, 'headTransform.dense'), norm: normParameters(store, 'headTransform.norm') };
  }

  protected override attentionWindow(layer: number): number | null {
    return this.blocks[layer]?.window ?? null;
  }

  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => layerNorm(embeddingLookup(this.tokenTable, ids), this.embeddingNorm, this.config.normEpsilon) as tf.Tensor3D);
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as ModernBertBlock;
    const epsilon = this.config.normEpsilon;
    return tf.tidy(() => {
      const normed = block.attentionNorm ? (layerNorm(x, block.attentionNorm, epsilon) as tf.Tensor3D) : x;
      const afterAttention = tf.add(x, selfAttention(normed, block.attention, block.attentionOptions, context));
      return tf.add(afterAttention, gatedFeedForward(layerNorm(afterAttention, block.mlpNorm, epsilon), block.mlp, this.act)) as tf.Tensor3D;
    });
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    const epsilon = this.config.normEpsilon;
    return tf.tidy(() => predictionHead(layerNorm(x, this.finalNorm, epsilon), this.predictionHead, this.headAct, epsilon) as tf.Tensor3D);
  }
}
