import * as tf from '@tensorflow/tfjs';
import { type Rng } from '@maria-ts/core';
import type { OpSet } from './op-set.js';

/** Shape of the benchmark block; the defaults are the tiny AR's width and training batch (ARCHITECTURE.md §2.3). */
export interface BlockShape {
  readonly hiddenSize: number;
  readonly heads: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly batch: number;
  readonly length: number;
}

export const DEFAULT_BLOCK_SHAPE: BlockShape = { hiddenSize: 256, heads: 4, intermediateSize: 1024, vocabSize: 8192, batch: 8, length: 128 };

/**
 * Floating-point operations of one training step of `BenchmarkBlock`, counting matrix
 * products only (2 per multiply-add): the forward products (qkv, scores, context, out, up,
 * down, LM head) times 3 for forward + backward, the usual convention (each product's
 * backward is two products of the same size). Norms, softmax, GELU and the loss are left out,
 * so GFLOP/s derived from it is a lower bound on the work done.
 */
export function blockTrainingStepFlops(shape: BlockShape): number {
  const { hiddenSize: d, intermediateSize: f, vocabSize: v, batch: b, length: t } = shape;
  const tokens = b * t;
  const projections = 2 * tokens * (d * 3 * d + d * d + d * f + f * d + d * v);
  const attention = 2 * 2 * b * t * t * d;
  return 3 * (projections + attention);
}

function normal(rng: Rng, shape: number[], std: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal(0, std)), shape);
}

/**
 * One pre-norm causal transformer block (attention + GELU MLP) followed by an LM head and a
 * cross-entropy loss: the unit of work a training step repeats per layer. It is written once
 * against an `OpSet`, so the built-in and fast variants compute the identical function.
 */
export class BenchmarkBlock {
  readonly variables: tf.Variable[];
  private readonly causalBias: tf.Tensor;

  constructor(readonly shape: BlockShape, rng: Rng) {
    const { hiddenSize: d, intermediateSize: f, vocabSize: v } = shape;
    const std = 0.02;
    this.variables = [
      tf.variable(normal(rng, [d, 3 * d], std), true, 'qkv'),
      tf.variable(normal(rng, [d, d], std), true, 'out'),
      tf.variable(normal(rng, [d, f], std), true, 'up'),
      tf.variable(normal(rng, [f, d], std), true, 'down'),
      tf.variable(normal(rng, [d, v], std), true, 'head'),
    ];
    const t = shape.length;
    this.causalBias = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9));
  }

  /** Mean next-token loss of the block on input activations x [B, T, d] and labels [B·T]. */
  loss(ops: OpSet, x: tf.Tensor3D, labels: tf.Tensor1D): tf.Scalar {
    const [qkvW, outW, upW, downW, headW] = this.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const { batch: b, length: t, hiddenSize: d, heads: h } = this.shape;
    const headDim = d / h;
    const norm = (z: tf.Tensor) => {
      const { mean, variance } = tf.moments(z, -1, true);
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5)));
    };
    const qkv = ops.matMul(norm(x), qkvW);
    const split = (offset: number) => qkv.slice([0, 0, offset * d], [b, t, d]).reshape([b, t, h, headDim]).transpose([0, 2, 1, 3]);
    const scores = tf.add(tf.mul(ops.matMul(split(0), split(1), true), 1 / Math.sqrt(headDim)), this.causalBias);
    const context = ops.matMul(tf.softmax(scores), split(2)).transpose([0, 2, 1, 3]).reshape([b, t, d]);
    const afterAttention = tf.add(x, ops.matMul(context, outW));
    const hiddenMlp = ops.matMul(norm(afterAttention), upW);
    const gelu = tf.mul(tf.mul(hiddenMlp, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(hiddenMlp, tf.mul(tf.mul(tf.mul(hiddenMlp, hiddenMlp), hiddenMlp), 0.044715)), Math.sqrt(2 / Math.PI)))));
    const output = tf.add(afterAttention, ops.matMul(gelu, downW));
    const logits = ops.matMul(norm(output), headW).reshape([b * t, this.shape.vocabSize]) as tf.Tensor2D;
    return ops.crossEntropy(logits, labels);
  }

  dispose(): void {
    this.variables.forEach((variable) => variable.dispose());
    this.causalBias.dispose();
  }
}
