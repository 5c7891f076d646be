import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '@maria-ts/core';
import { DecoderBackbone, type CacheGeometry } from '../base/decoder-backbone.js';
import { denseParameters, layerParameter, normParameters } from '../base/parameter-groups.js';
import { transformerParts } from '../base/transformer-parts.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import { feedForward, type FeedForwardParameters } from '../layers/feed-forward.js';
import { layerNorm, type LayerNormParameters } from '../layers/layer-norm.js';
import { RotaryEmbedding } from '../layers/rotary-embedding.js';
import { selfAttention, type SelfAttentionContext, type SelfAttentionOptions, type SelfAttentionParameters } from '../layers/self-attention.js';
import type { GptNeoXConfig } from './config.js';

interface GptNeoXBlock {
  readonly attentionNorm: LayerNormParameters;
  readonly attention: SelfAttentionParameters;
  readonly mlpNorm: LayerNormParameters;
  readonly mlp: FeedForwardParameters;
}

/**
 * GPT-NeoX (Pythia): token embeddings without positions, pre-LayerNorm blocks whose
 * attention rotates the first `rotaryDimension` channels of each head (partial RoPE), a
 * plain GELU MLP, and either the parallel residual `x + attn(ln₁(x)) + mlp(ln₂(x))` or the
 * sequential one. `hidden` is the output of `final_layer_norm` (ARCHITECTURE.md §1.1); the
 * head is `embed_out`, or the embeddings when tied.
 */
export class GptNeoXBackbone extends DecoderBackbone {
  readonly bosTokenId: number;
  protected readonly cacheGeometry: CacheGeometry;
  private readonly config: GptNeoXConfig;
  private readonly blocks: GptNeoXBlock[];
  private readonly finalNorm: LayerNormParameters;
  private readonly attentionOptions: SelfAttentionOptions;
  private readonly act: Activation;

  constructor(config: GptNeoXConfig, inputs: ModelInputs) {
    super(transformerParts('gpt_neox', config, inputs));
    const store = this.store;
    this.config = config;
    this.bosTokenId = config.bosTokenId;
    this.cacheGeometry = { numKeyValueHeads: config.numHeads, headDim: config.headDim, hardMaxPositions: config.maxPositions };
    this.act = activation(config.activation);
    this.attentionOptions = {
      heads: { numHeads: config.numHeads, numKeyValueHeads: config.numHeads, headDim: config.headDim },
      scale: 1 / Math.sqrt(config.headDim),
      rotary: config.rotaryDimension > 0 ? new RotaryEmbedding({ dimension: config.rotaryDimension, theta: config.ropeTheta, scaling: config.ropeScaling }) : null,
      clipQkv: null,
      fusedLayout: 'per-head',
    };
    this.finalNorm = normParameters(store, 'finalNorm');
    this.blocks = Array.from({ length: config.numLayers }, (_, i) => ({
      attentionNorm: normParameters(store, layerParameter(i, 'attentionNorm')),
      attention: {
        queryKeyValue: denseParameters(store, layerParameter(i, 'attention.queryKeyValue')),
        output: denseParameters(store, layerParameter(i, 'attention.output')),
      },
      mlpNorm: normParameters(store, layerParameter(i, 'mlpNorm')),
      mlp: { up: denseParameters(store, layerParameter(i, 'mlp.up')), down: denseParameters(store, layerParameter(i, 'mlp.down')) },
    }));
  }

  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    return embeddingLookup(this.tokenTable, ids) as tf.Tensor3D;
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as GptNeoXBlock;
    const epsilon = this.config.layerNormEpsilon;
    return tf.tidy(() => {
      const attended = selfAttention(layerNorm(x, block.attentionNorm, epsilon) as tf.Tensor3D, block.attention, this.attentionOptions, context);
      if (this.config.parallelResidual) {
        return tf.addN([x, attended, feedForward(layerNorm(x, block.mlpNorm, epsilon), block.mlp, this.act)]) as tf.Tensor3D;
      }
      const afterAttention = tf.add(x, attended);
      return tf.add(afterAttention, feedForward(layerNorm(afterAttention, block.mlpNorm, epsilon), block.mlp, this.act)) as tf.Tensor3D;
    });
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return layerNorm(x, this.finalNorm, this.config.layerNormEpsilon) as tf.Tensor3D;
  }
}
