import * as tf from '@tensorflow/tfjs';
import { embeddingLookup, InputTooLongError } from '@maria-ts/core';
import { DecoderBackbone, type CacheGeometry } from '../base/decoder-backbone.js';
import { transformerParts } from '../base/transformer-parts.js';
import { denseParameters, layerParameter, normParameters } from '../base/parameter-groups.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import { feedForward, type FeedForwardParameters } from '../layers/feed-forward.js';
import { layerNorm, type LayerNormParameters } from '../layers/layer-norm.js';
import { selfAttention, type SelfAttentionContext, type SelfAttentionOptions, type SelfAttentionParameters } from '../layers/self-attention.js';
import type { Gpt2Config } from './config.js';

interface Gpt2Block {
  readonly attentionNorm: LayerNormParameters;
  readonly attention: SelfAttentionParameters;
  readonly attentionOptions: SelfAttentionOptions;
  readonly mlpNorm: LayerNormParameters;
  readonly mlp: FeedForwardParameters;
}

/**
 * GPT-2: learned absolute positions, pre-LayerNorm blocks, gelu_new MLP, `ln_f`, and a
 * vocab projection tied to `wte` (or `lm_head` when untied). `hidden` is the output of
 * `ln_f` (ARCHITECTURE.md §1.1). Decoding offsets the learned positions by the cache length.
 */
export class Gpt2Backbone extends DecoderBackbone {
  readonly bosTokenId: number;
  protected readonly cacheGeometry: CacheGeometry;
  private readonly config: Gpt2Config;
  private readonly positionTable: tf.Tensor2D;
  private readonly blocks: Gpt2Block[];
  private readonly finalNorm: LayerNormParameters;
  private readonly act: Activation;

  constructor(config: Gpt2Config, inputs: ModelInputs) {
    super(transformerParts('gpt2', config, inputs));
    const store = this.store;
    this.config = config;
    this.bosTokenId = config.bosTokenId;
    const headDim = config.hiddenSize / config.numHeads;
    this.cacheGeometry = { numKeyValueHeads: config.numHeads, headDim, hardMaxPositions: config.maxPositions };
    this.positionTable = store.matrix('embeddings.positions');
    this.act = activation(config.activation);
    this.finalNorm = normParameters(store, 'finalNorm');
    this.blocks = Array.from({ length: config.numLayers }, (_, i) => {
      const scale = (config.scaleAttentionWeights ? 1 / Math.sqrt(headDim) : 1) / (config.scaleByInverseLayerIndex ? i + 1 : 1);
      return {
        attentionNorm: normParameters(store, layerParameter(i, 'attentionNorm')),
        attention: {
          queryKeyValue: denseParameters(store, layerParameter(i, 'attention.queryKeyValue')),
          output: denseParameters(store, layerParameter(i, 'attention.output')),
        },
        attentionOptions: { heads: { numHeads: config.numHeads, numKeyValueHeads: config.numHeads, headDim }, scale, rotary: null, clipQkv: null },
        mlpNorm: normParameters(store, layerParameter(i, 'mlpNorm')),
        mlp: { up: denseParameters(store, layerParameter(i, 'mlp.up')), down: denseParameters(store, layerParameter(i, 'mlp.down')) },
      };
    });
  }

  protected embed(ids: tf.Tensor2D, offset: number): tf.Tensor3D {
    const end = offset + ids.shape[1];
    if (end > this.config.maxPositions) throw new InputTooLongError('gpt2 input', end, this.config.maxPositions);
    return tf.tidy(() => {
      const positions = tf.slice(this.positionTable, [offset, 0], [ids.shape[1], this.config.hiddenSize]);
      return tf.add(embeddingLookup(this.tokenTable, ids), positions) as tf.Tensor3D;
    });
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as Gpt2Block;
    const epsilon = this.config.layerNormEpsilon;
    return tf.tidy(() => {
      const attended = selfAttention(layerNorm(x, block.attentionNorm, epsilon) as tf.Tensor3D, block.attention, block.attentionOptions, context);
      const afterAttention = tf.add(x, attended);
      return tf.add(afterAttention, feedForward(layerNorm(afterAttention, block.mlpNorm, epsilon), block.mlp, this.act)) as tf.Tensor3D;
    });
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return layerNorm(x, this.finalNorm, this.config.layerNormEpsilon) as tf.Tensor3D;
  }
}
