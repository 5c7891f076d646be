import * as tf from '@tensorflow/tfjs';

/**
 * Frequency scaling of RoPE as config.json's `rope_scaling` describes it. Only the types
 * that change the inverse frequencies alone are representable; `dynamic`, `yarn` and
 * `longrope` also change attention scaling or depend on sequence length, and the configs
 * reject them with a typed error.
 */
export type RopeScaling =
  | { readonly type: 'linear'; readonly factor: number }
  | {
      readonly type: 'llama3';
      readonly factor: number;
      readonly lowFrequencyFactor: number;
      readonly highFrequencyFactor: number;
      readonly originalMaxPositions: number;
    };

export interface RotaryOptions {
  /**
   * Rotated width per head. Must be even. Usually the head dim; smaller for partial rotary
   * embeddings (GPT-NeoX's `rotary_pct`), where only the first `dimension` channels of each
   * head are rotated and the rest pass through.
   */
  readonly dimension: number;
  /** Base θ of the frequencies θ^(−2i/d). */
  readonly theta: number;
  readonly scaling?: RopeScaling | null;
}

/** Inverse frequencies `1/θ^(2i/d)`, then the config's scaling, in double precision. */
export function rotaryInverseFrequencies(options: RotaryOptions): Float64Array {
  const half = options.dimension / 2;
  const frequencies = new Float64Array(half);
  for (let i = 0; i < half; i++) frequencies[i] = 1 / Math.pow(options.theta, (2 * i) / options.dimension);
  const scaling = options.scaling;
  if (!scaling) return frequencies;
  if (scaling.type === 'linear') return frequencies.map((f) => f / scaling.factor);
  // Llama 3: keep high frequencies, divide low ones by `factor`, interpolate in between.
  const lowWavelength = scaling.originalMaxPositions / scaling.lowFrequencyFactor;
  const highWavelength = scaling.originalMaxPositions / scaling.highFrequencyFactor;
  return frequencies.map((f) => {
    const wavelength = (2 * Math.PI) / f;
    if (wavelength < highWavelength) return f;
    if (wavelength > lowWavelength) return f / scaling.factor;
    const smooth = (scaling.originalMaxPositions / wavelength - scaling.lowFrequencyFactor) / (scaling.highFrequencyFactor - scaling.lowFrequencyFactor);
    return (1 - smooth) * (f / scaling.factor) + smooth * f;
  });
}

/**
 * Rotary position embedding in the rotate-half convention of Llama, OLMo and ModernBERT:
 * `x·cos + rotate_half(x)·sin` with `rotate_half([a, b]) = [−b, a]`. The cos/sin tables are
 * computed on the host in double precision and grown on demand, so a decode step at
 * position p only uploads one row.
 */
export class RotaryEmbedding {
  private readonly inverseFrequencies: Float64Array;
  private readonly dimension: number;
  private cosTable = new Float32Array(0);
  /** sin with the rotate-half sign folded in: [−sin(first half), +sin(second half)]. */
  private signedSinTable = new Float32Array(0);
  private rows = 0;

  constructor(options: RotaryOptions) {
    this.dimension = options.dimension;
    this.inverseFrequencies = rotaryInverseFrequencies(options);
  }

  private ensureRows(rows: number): void {
    if (rows <= this.rows) return;
    const capacity = Math.max(rows, this.rows * 2, 64);
    const d = this.dimension;
    const half = d / 2;
    const cos = new Float32Array(capacity * d);
    const sin = new Float32Array(capacity * d);
    for (let position = 0; position < capacity; position++) {
      for (let i = 0; i < half; i++) {
        const angle = position * (this.inverseFrequencies[i] as number);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        cos[position * d + i] = c;
        cos[position * d + half + i] = c;
        sin[position * d + i] = -s;
        sin[position * d + half + i] = s;
      }
    }
    this.cosTable = cos;
    this.signedSinTable = sin;
    this.rows = capacity;
  }

  /** The cos and signed-sin tables covering positions [0, end), for the host decode step (read-only views). */
  hostTables(end: number): { readonly cos: Float32Array; readonly signedSin: Float32Array; readonly dimension: number } {
    this.ensureRows(end);
    return { cos: this.cosTable, signedSin: this.signedSinTable, dimension: this.dimension };
  }

  /**
   * Rotates x [batch, length, heads, headDim] whose first position is absolute position
   * `offset` (the KV cache length during decoding). When headDim exceeds the rotated
   * `dimension`, only the first `dimension` channels of each head are rotated.
   */
  apply(x: tf.Tensor4D, offset: number): tf.Tensor4D {
    const length = x.shape[1];
    const d = this.dimension;
    const headDim = x.shape[3];
    this.ensureRows(offset + length);
    return tf.tidy(() => {
      const cos = tf.tensor3d(this.cosTable.subarray(offset * d, (offset + length) * d), [length, 1, d]);
      const sin = tf.tensor3d(this.signedSinTable.subarray(offset * d, (offset + length) * d), [length, 1, d]);
      const [rotated, passed] = headDim > d ? (tf.split(x, [d, headDim - d], 3) as [tf.Tensor4D, tf.Tensor4D]) : [x, null];
      const [first, second] = tf.split(rotated, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
      const swapped = tf.concat([second, first], 3);
      const result = tf.add(tf.mul(rotated, cos), tf.mul(swapped, sin)) as tf.Tensor4D;
      return passed ? tf.concat([result, passed], 3) : result;
    });
  }
}
