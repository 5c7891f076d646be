import type * as tf from '@tensorflow/tfjs';
import { nativeOps } from '@maria-ts/core';
import { EncoderBackbone } from '../base/encoder-backbone.js';
import { transformerParts } from '../base/transformer-parts.js';
import { denseParameters, normParameters } from '../base/parameter-groups.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import { NATIVE_ACTIVATIONS } from '../layers/native-layers.js';
import type { LayerNormParameters } from '../layers/layer-norm.js';
import type { PredictionHeadParameters } from '../layers/prediction-head.js';
import { RotaryEmbedding } from '../layers/rotary-embedding.js';
import type { SelfAttentionContext, SelfAttentionOptions } from '../layers/self-attention.js';
import { modernBertBlock, modernBertBlockParameters, modernBertEmbed, modernBertFinish, type ModernBertBlockParameters } from './block.js';
import type { ModernBertConfig } from './config.js';
import { modernBertNativeHidden, type ModernBertNativeModel } from './native-pass.js';

interface ModernBertBlock extends ModernBertBlockParameters {
  readonly attentionOptions: SelfAttentionOptions;
  readonly window: number | null;
  readonly rotary: RotaryEmbedding;
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
        ...modernBertBlockParameters(store, i),
        attentionOptions: { heads, scale: 1 / Math.sqrt(headDim), rotary: rotaryByTheta.get(layer.ropeTheta) ?? null, clipQkv: null },
        window: layer.kind === 'local' ? config.localWindowHalfWidth : null,
        rotary: rotaryByTheta.get(layer.ropeTheta) as RotaryEmbedding,
      };
    });
    this.finalNorm = normParameters(store, 'finalNorm');
    this.predictionHead = { dense: denseParameters(store, 'headTransform.dense'), norm: normParameters(store, 'headTransform.norm') };
  }

  protected override attentionWindow(layer: number): number | null {
    return this.blocks[layer]?.window ?? null;
  }

  protected override nativeHidden(ids: tf.Tensor2D): tf.Tensor3D | null {
    const { config } = this;
    if (!NATIVE_ACTIVATIONS.has(config.activation) || !NATIVE_ACTIVATIONS.has(config.classifierActivation)) return null;
    const ops = nativeOps();
    if (ops === null) return null;
    try {
      const [batch, length] = ids.shape;
      const model: ModernBertNativeModel = {
        tokenTable: this.tokenTable,
        embeddingNorm: this.embeddingNorm,
        blocks: this.blocks,
        finalNorm: this.finalNorm,
        predictionHead: this.predictionHead,
        numHeads: config.numHeads,
        headDim: config.hiddenSize / config.numHeads,
        epsilon: config.normEpsilon,
        activation: config.activation,
        headActivation: config.classifierActivation,
      };
      const hidden = modernBertNativeHidden(ops, model, Int32Array.from(ids.dataSync()), batch, length);
      return ops.toTensor(hidden, [batch, length, config.hiddenSize]) as tf.Tensor3D;
    } finally {
      ops.dispose();
    }
  }

  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    return modernBertEmbed(this.tokenTable, this.embeddingNorm, ids, this.config.normEpsilon);
  }

  protected block(layer: number, x: tf.Tensor3D, context: SelfAttentionContext): tf.Tensor3D {
    const block = this.blocks[layer] as ModernBertBlock;
    return modernBertBlock(x, block, block.attentionOptions, context, this.act, this.config.normEpsilon);
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return modernBertFinish(x, this.finalNorm, this.predictionHead, this.headAct, this.config.normEpsilon);
  }
}
