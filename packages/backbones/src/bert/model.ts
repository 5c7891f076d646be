import * as tf from '@tensorflow/tfjs';
import { embeddingLookup, InputTooLongError } from '@maria-ts/core';
import { EncoderBackbone } from '../base/encoder-backbone.js';
import { transformerParts } from '../base/transformer-parts.js';
import { denseParameters, layerParameter, normParameters } from '../base/parameter-groups.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import { feedForward, type FeedForwardParameters } from '../layers/feed-forward.js';
import { layerNorm, type LayerNormParameters } from '../layers/layer-norm.js';
import { predictionHead, type PredictionHeadParameters } from '../layers/prediction-head.js';
import { selfAttention, type SelfAttentionContext, type SelfAttentionOptions, type SelfAttentionParameters } from '../layers/self-attention.js';
import type { BertConfig } from './config.js';

interface BertBlock {
  readonly attention: SelfAttentionParameters;
  readonly attentionNorm: LayerNormParameters;
  readonly mlp: FeedForwardParameters;
  readonly mlpNorm: LayerNormParameters;
}

/**
 * BERT as a masked LM: word + absolute position + token-type-0 embeddings and a LayerNorm,
 * post-norm blocks, then the MLM head transform (dense → act → LayerNorm), whose output
 * is `hidden` (ARCHITECTURE.md §1.1), and a decoder tied to the word embeddings (or untied) with
 * the bias `bertParameterRules` picks.
 */
export class BertBackbone extends EncoderBackbone {
  private readonly config: BertConfig;
  private readonly positionTable: tf.Tensor2D;
  private readonly tokenTypeTable: tf.Tensor2D;
  private readonly embeddingNorm: LayerNormParameters;
  private readonly blocks: BertBlock[];
  private readonly attentionOptions: SelfAttentionOptions;
  private readonly predictionHead: PredictionHeadParameters;
  private readonly act: Activation;

  constructor(config: BertConfig, inputs: ModelInputs) {
    super(transformerParts('bert', config, inputs), inputs.maskTokenId);
    const store = this.store;
    this.config = config;
    this.positionTable = store.matrix('embeddings.positions');
    this.tokenTypeTable = store.matrix('embeddings.tokenTypes');
    this.embeddingNorm = normParameters(store, 'embeddings.norm');
    const headDim = config.hiddenSize / config.numHeads;
    this.attentionOptions = { heads: { numHeads: config.numHeads, numKeyValueHeads: config.numHeads, headDim }, scale: 1 / Math.sqrt(headDim), rotary: null, clipQkv: null };
    this.blocks = Array.from({ length: config.numLayers }, (_, i) => ({
      attention: {
        queryKeyValue: denseParameters(store, layerParameter(i, 'attention.queryKeyValue')),
        output: denseParameters(store, layerParameter(i, 'attention.output')),
      },
      attentionNorm: normParameters(store, layerParameter(i, 'attentionNorm')),
      mlp: { up: denseParameters(store, layerParameter(i, 'mlp.up')), down: denseParameters(store, layerParameter(i, 'mlp.down')) },
      mlpNorm: normParameters(store, layerParameter(i, 'mlpNorm')),
    }));
    this.predictionHead = { dense: denseParameters(store, 'headTransform.dense'), norm: normParameters(store, 'headTransform.norm') };
    this.act = activation(config.activation);
  }

  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    const length = ids.shape[1];
    if (length > this.config.maxPositions) throw new InputTooLongError('bert input', length, this.config.maxPositions);
    return tf.tidy(() => {
      const d = this.config.hiddenSize;
      const positions = tf.slice(this.positionTable, [0, 0], [length, d]);
      const tokenType = tf.slice(this.tokenTypeTable, [0, 0], [1, d]);
      const summed = tf.add(tf.add(embeddingLookup(this.tokenTable, ids), positions), tokenType);
      return layerNorm(summed, this.embeddingNorm, this.config.layerNormEpsilon) as tf.Tensor3D;
    });
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as BertBlock;
    const epsilon = this.config.layerNormEpsilon;
    return tf.tidy(() => {
      const attended = layerNorm(tf.add(x, selfAttention(x, block.attention, this.attentionOptions, context)), block.attentionNorm, epsilon);
      return layerNorm(tf.add(attended, feedForward(attended, block.mlp, this.act)), block.mlpNorm, epsilon) as tf.Tensor3D;
    });
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return predictionHead(x, this.predictionHead, this.act, this.config.layerNormEpsilon) as tf.Tensor3D;
  }
}
