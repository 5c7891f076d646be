import * as tf from '@tensorflow/tfjs';
import { embeddingLookup, gatherRowsToHost } from '@maria-ts/core';
import { DecoderBackbone, type CacheGeometry, type HostChunk } from '../base/decoder-backbone.js';
import { transformerParts } from '../base/transformer-parts.js';
import { denseParameters, layerParameter } from '../base/parameter-groups.js';
import type { ModelInputs } from '../family.js';
import { activation, type Activation } from '../layers/activation.js';
import {
  HOST_ACTIVATIONS,
  hostAddInPlace,
  hostCachedAttention,
  hostClipInPlace,
  HostProducts,
  hostGatedActivation,
  hostGatedSilu,
  hostNormRows,
  hostPickRows,
  hostRotateHeads,
  hostVector,
} from '../layers/host-decode.js';
import type { HostKVCache } from '../layers/host-kv-cache.js';
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
  private readonly rotary: RotaryEmbedding;
  private readonly products = new HostProducts();

  constructor(config: LlamaConfig, inputs: ModelInputs, family = 'llama') {
    super(transformerParts(family, config, inputs));
    const store = this.store;
    this.config = config;
    this.bosTokenId = config.bosTokenId;
    this.cacheGeometry = { numKeyValueHeads: config.numKeyValueHeads, headDim: config.headDim, hardMaxPositions: config.maxPositions };
    this.act = activation(config.activation);
    this.rotary = new RotaryEmbedding({ dimension: config.headDim, theta: config.rope.theta, scaling: config.rope.scaling });
    this.attentionOptions = {
      heads: { numHeads: config.numHeads, numKeyValueHeads: config.numKeyValueHeads, headDim: config.headDim },
      scale: 1 / Math.sqrt(config.headDim),
      rotary: this.rotary,
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

  protected override get hasHostStep(): boolean {
    return HOST_ACTIVATIONS[this.config.activation] !== undefined;
  }

  /**
   * One decode step on the host (see `host-decode.ts`): the residual stream stays a
   * Float32Array, each layer sends its four products (fused QKV, output, fused gate/up,
   * down) to the engine and does the rest in place, and keys and values go straight into
   * the host cache. About 20 engine calls a step instead of ~300 ops.
   */
  protected override hostStep(ids: tf.Tensor2D, cache: HostKVCache): tf.Tensor3D {
    const [batch, length] = ids.shape;
    const { heads, scale } = this.attentionOptions;
    const offset = cache.length;
    const tables = this.rotary.hostTables(offset + length);
    const rowWidth = (heads.numHeads + 2 * heads.numKeyValueHeads) * heads.headDim;
    const normed = this.hostLayers(Int32Array.from(ids.dataSync()), (qkv, layer) => {
      hostRotateHeads(qkv, batch, length, rowWidth, 0, heads.numHeads + heads.numKeyValueHeads, heads.headDim, offset, tables);
      return hostCachedAttention({ qkv, batch, length, heads, scale, cache, layer });
    });
    return tf.tensor3d(normed, [batch, length, this.config.hiddenSize]);
  }

  /**
   * The host step over several sequences' chunks, each in its own cache of batch size 1:
   * the rows of all chunks go through every product together, while RoPE and attention run
   * per chunk at its own cache position, exactly as `hostStep` runs them for that chunk alone.
   */
  protected override hostStepChunks(chunks: readonly HostChunk[], lastOnly: boolean): Float32Array {
    const { heads, scale } = this.attentionOptions;
    const total = chunks.reduce((sum, chunk) => sum + chunk.ids.length, 0);
    const ids = new Int32Array(total);
    let at = 0;
    for (const chunk of chunks) {
      ids.set(chunk.ids, at);
      at += chunk.ids.length;
    }
    const tables = this.rotary.hostTables(Math.max(...chunks.map((chunk) => chunk.cache.length + chunk.ids.length)));
    const rowWidth = (heads.numHeads + 2 * heads.numKeyValueHeads) * heads.headDim;
    const attendedWidth = heads.numHeads * heads.headDim;
    // With `lastOnly`, the last layer carries on from attention with each chunk's last row only.
    let end = 0;
    const lastRows = lastOnly ? Int32Array.from(chunks, (chunk) => (end += chunk.ids.length) - 1) : null;
    const lastLayer = this.blocks.length - 1;
    return this.hostLayers(
      ids,
      (qkv, layer) => {
        const attend = (chunk: HostChunk, rows: Float32Array): Float32Array => {
          const length = chunk.ids.length;
          hostRotateHeads(rows, 1, length, rowWidth, 0, heads.numHeads + heads.numKeyValueHeads, heads.headDim, chunk.cache.length, tables);
          const firstQuery = lastRows !== null && layer === lastLayer ? length - 1 : 0;
          return hostCachedAttention({ qkv: rows, batch: 1, length, heads, scale, cache: chunk.cache, layer, firstQuery });
        };
        if (chunks.length === 1) return attend(chunks[0] as HostChunk, qkv);
        const attended = new Float32Array(total * attendedWidth);
        let first = 0;
        for (const chunk of chunks) {
          const length = chunk.ids.length;
          attended.set(attend(chunk, qkv.subarray(first * rowWidth, (first + length) * rowWidth)), first * attendedWidth);
          first += length;
        }
        return attended;
      },
      lastRows,
    );
  }

  /**
   * The layers of a host step on the rows of `ids` (every row of every sequence, in order):
   * embeddings, then per layer the norm, the fused QKV product, `attend` (RoPE, cache writes
   * and attention, which depend on how rows map to caches), the output product, and the MLP;
   * returns the final norm's output [rows × width]. With `keep` (row numbers, ascending), the
   * last layer goes on after attention with those rows only and returns [keep.length × width]:
   * every row's keys and values are in the cache by then, and no other row's output is read.
   */
  private hostLayers(ids: Int32Array, attend: (qkv: Float32Array, layer: number) => Float32Array, keep: Int32Array | null = null): Float32Array {
    const act = HOST_ACTIVATIONS[this.config.activation] as (x: number) => number;
    const silu = this.config.activation === 'silu' || this.config.activation === 'swish';
    let rows = ids.length;
    const width = this.config.hiddenSize;
    const { clipQkv } = this.attentionOptions;
    const norm = this.config.norm;
    const weight = (vector: tf.Tensor1D | null) => (norm.kind === 'rms' ? hostVector(vector) : null); // as `norm`: OLMo's LayerNorm has no weight
    let x = gatherRowsToHost(this.tokenTable, ids);
    const normed = new Float32Array(rows * width);
    const lastLayer = this.blocks.length - 1;
    this.blocks.forEach((block, layer) => {
      hostNormRows(x, rows, width, norm, weight(block.attentionNorm), normed);
      const qkv = this.products.run(normed, rows, block.attention.queryKeyValue);
      if (clipQkv !== null) hostClipInPlace(qkv, clipQkv);
      let attended = attend(qkv, layer);
      if (keep !== null && layer === lastLayer && keep.length < rows) {
        x = hostPickRows(x, width, keep);
        attended = hostPickRows(attended, attended.length / rows, keep);
        rows = keep.length;
      }
      hostAddInPlace(x, this.products.run(attended, rows, block.attention.output));
      hostNormRows(x, rows, width, norm, weight(block.mlpNorm), normed);
      const gateAndUp = this.products.run(normed, rows, block.mlp.gateAndUp);
      const inner = gateAndUp.length / rows / 2;
      const gated = silu ? hostGatedSilu(gateAndUp, rows, inner) : hostGatedActivation(gateAndUp, rows, inner, act);
      hostAddInPlace(x, this.products.run(gated, rows, block.mlp.down));
    });
    hostNormRows(x, rows, width, norm, weight(this.finalNorm), normed);
    return normed.subarray(0, rows * width);
  }

  override dispose(): void {
    this.products.dispose();
    super.dispose();
  }

  protected finish(x: tf.Tensor3D): tf.Tensor3D {
    return this.norm(x, this.finalNorm) as tf.Tensor3D;
  }
}
