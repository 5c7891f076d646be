import { embeddingLookup, tf } from '@maria-ts/core';
import { DecoderBackbone, type CacheGeometry } from '../base/decoder-backbone.js';
import { transformerParts } from '../base/transformer-parts.js';
import { denseParameters, layerParameter } from '../base/parameter-groups.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import { gatedFeedForward, type GatedFeedForwardParameters } from '../layers/gated-feed-forward.js';
import { layerNorm } from '../layers/layer-norm.js';
import { rmsNorm } from '../layers/rms-norm.js';
import { RotaryEmbedding } from '../layers/rotary-embedding.js';
import { selfAttention, type SelfAttentionContext, type SelfAttentionOptions, type SelfAttentionParameters } from '../layers/self-attention.js';
import type { LlamaConfig } from './config.js';

interface LlamaBlock {
  readonly attentionNorm: tf.Tensor1D | null;
  readonly attention: SelfAttentionParameters;
  readonly mlpNorm: tf.Tensor1D | null;
  readonly mlp: GatedFeedForwardParameters;
}

/**
 * The Llama-style decoder: RoPE (rotate-half), pre-norm blocks, GQA/MQA attention, a SwiGLU
 * MLP, a final norm and a tied or untied head. `hidden` is the output of the final norm.
 * OLMo is this class with a non-parametric LayerNorm and `clip_qkv` (see `olmo/`), so
 * the two families share every line of architecture.
 */
export class LlamaBackbone extends DecoderBackbone {
  readonly bosTokenId: number;
  protected readonly cacheGeometry: CacheGeometry;
  private readonly config: LlamaConfig;
  private readonly blocks: LlamaBlock[];
  private readonly finalNorm: tf.Tensor1D | null;
  private readonly attentionOptions: SelfAttentionOptions;
  private readonly act: Activation;

  constructor(config: LlamaConfig, inputs: ModelInputs, family = 'llama') {
    super(transformerParts(family, config, inputs));
    const store = this.store;
    this.config = config;
    this.bosTokenId = config.bosTokenId;
    this.cacheGeometry = { numKeyValueHeads: config.numKeyValueHeads, headDim: config.headDim, hardMaxPositions: config.maxPositions };
    this.act = activation(config.activation);
    this.attentionOptions = {
      heads: { numHeads: config.numHeads, numKeyValueHeads: config.numKeyValueHeads, headDim: config.headDim },
      scale: 1 / Math.sqrt(config.headDim),
      rotary: new RotaryEmbedding({ dimension: config.headDim, theta: config.rope.theta, scaling: config.rope.scaling }),
      clipQkv: config.clipQkv,
    };
    this.finalNorm = store.optionalVector('finalNorm.weight');
    this.blocks = Array.from({ length: config.numLayers }, (_, i) => ({
      attentionNorm: store.optionalVector(layerParameter(i, 'attentionNorm.weight')),
      attention: {
        queryKeyValue: denseParameters(store, layerParameter(i, 'attention.queryKeyValue')),
        output: denseParameters(store, layerParameter(i, 'attention.output')),
      },
      mlpNorm: store.optionalVector(layerParameter(i, 'mlpNorm.weight')),
      mlp: { gateAndUp: denseParameters(store, layerParameter(i, 'mlp.gateAndUp')), down: denseParameters(store, layerParameter(i, 'mlp.down')) },
    }));
  }

  private norm(x: tf.Tensor, weight: tf.Tensor1D | null): tf.Tensor {
    const { norm } = this.config;
    return norm.kind === 'rms' ? rmsNorm(x, weight, norm.epsilon) : layerNorm(x, { weight: null, bias: null }, norm.epsilon);
  }

  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    return embeddingLookup(this.tokenTable, ids) as tf.Tensor3D;
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as LlamaBlock;
    return tf.tidy(() => {
      const attended = selfAttention(this.norm(x, block.attentionNorm) as tf.Tensor3D, block.attention, this.attentionOptions, context);
      const afterAttention = tf.add(x, attended);
      return tf.add(afterAttention, gatedFeedForward(this.norm(afterAttention, block.mlpNorm), block.mlp, this.act)) as tf.Tensor3D;
    });
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return this.norm(x, this.finalNorm) as tf.Tensor3D;
  }
}
