import * as tf from '@tensorflow/tfjs';
import { matMul, recordingGradients, type OutputProjection } from '@maria-ts/core';

/** The final vocab projection's parameters: tied to the embedding table or a weight of its own. */
export type VocabProjectionParameters =
  | { readonly tied: true; /** [vocab, hidden] */ readonly table: tf.Tensor2D; readonly bias: tf.Tensor1D | null }
  | { readonly tied: false; /** [hidden, vocab] */ readonly weight: tf.Tensor2D; readonly bias: tf.Tensor1D | null };

function isTrainable(tensor: tf.Tensor): boolean {
  return tensor instanceof tf.Variable && tensor.trainable;
}

/**
 * A transposed copy of a tensor, recomputed only when the source's data changes (a
 * variable's `assign` gives it a new dataId). Used where a frozen weight is needed in the
 * other layout on every call.
 */
class TransposedCopy {
  private copy: tf.Tensor2D | null = null;
  private sourceDataId: object | null = null;

  constructor(private readonly source: tf.Tensor2D) {}

  get(): tf.Tensor2D {
    if (this.copy === null || this.sourceDataId !== this.source.dataId) {
      this.copy?.dispose();
      this.copy = tf.keep(tf.transpose(this.source));
      this.sourceDataId = this.source.dataId;
    }
    return this.copy;
  }

  dispose(): void {
    this.copy?.dispose();
    this.copy = null;
  }
}

/**
 * `logits = hidden · Wᵀ (+ b)` for tied or untied heads. Untied weights are stored
 * [hidden, vocab] so the product is a plain matmul; a tied table [vocab, hidden] is
 * transposed once and cached until its data changes. Only while a gradient is being recorded
 * is a trainable table transposed inside the product, so its gradient flows. Outside a
 * gradient (decoding a model being pretrained, evaluation between steps) the cached copy is
 * used too: transposing a 8192 × 256 table on every decode step cost 15 ms, and the fresh
 * copy made XNNPACK repack it for another 11 ms, against ~1 ms for the product on a cached one.
 */
export class VocabProjection {
  private readonly transposed: TransposedCopy;

  constructor(readonly parameters: VocabProjectionParameters) {
    this.transposed = new TransposedCopy(parameters.tied ? parameters.table : parameters.weight);
  }

  get vocabSize(): number {
    return this.parameters.tied ? this.parameters.table.shape[0] : this.parameters.weight.shape[1];
  }

  /** hidden [..., hidden] → logits [..., vocab]. */
  project(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { parameters } = this;
      let logits: tf.Tensor;
      if (!parameters.tied) logits = matMul(hidden, parameters.weight);
      else if (isTrainable(parameters.table) && recordingGradients()) logits = matMul(hidden, parameters.table, { transposeB: true });
      else logits = matMul(hidden, this.transposed.get());
      return parameters.bias ? tf.add(logits, parameters.bias) : logits;
    });
  }

  /** The projection as [vocab, hidden] plus bias (owned here; do not dispose). */
  outputProjection(): OutputProjection {
    const { parameters } = this;
    return { weight: parameters.tied ? parameters.table : this.transposed.get(), bias: parameters.bias };
  }

  /** Frees the cached transposes (the parameters belong to the backbone). */
  dispose(): void {
    this.transposed.dispose();
  }
}
