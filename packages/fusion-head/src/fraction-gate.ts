import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, type FusionHead, InvalidArgumentError, ShapeMismatchError } from '@maria-ts/core';
import { pathExists, readJsonFile, writeTextFileAtomic } from '@maria-ts/backbones';

/** The gate's file inside a head directory; a head without it is plain MARIA. */
export const FRACTION_GATE_FILE = 'fraction-gate.json';
const GATE_FORMAT = 'maria-fraction-gate';

/**
 * A gate's numbers, as stored. `offset`/`slope` gate the MLM half, `arOffset`/`arSlope` the AR
 * half; a file without the AR pair (written before it existed) leaves the AR half as it is.
 */
export interface FractionGateValues {
  readonly offset: number;
  readonly slope: number;
  readonly arOffset?: number;
  readonly arSlope?: number;
}

/** The least g(f): a banned id's −1e30 times it is still −1e21, whose float32 softmax weight is exactly 0. */
export const MIN_MLM_SCALE = 1e-9;
/** α(f) = exp(x) with x clipped to [−30, 30]. */
const MAX_AR_EXPONENT = 30;

/** The two scales a gate applies to a sequence with one masked fraction. */
export interface FractionGateScales {
  /** α(f), the AR half's scale. */
  readonly ar: number;
  /** g(f), the MLM half's scale (bias included). */
  readonly mlm: number;
}

/**
 * An opt-in extension of MARIA's fusion (not in the paper): both halves of the head's logits are
 * scaled by functions of how much of the sequence the MLM saw masked,
 *
 *   logits = α(f)·h_AR·W_AR + g(f)·(h_MLM·W_MLM + b3),
 *   α(f) = exp(arOffset + arSlope·f),   g(f) = 2·σ(offset + slope·f),
 *
 * with f the masked fraction of the sequence (masked positions / length). At all-zero values
 * α = g = 1 everywhere, i.e. plain MARIA, so a gate starts as exactly the head it extends. Scaling
 * both halves matters: a product-of-experts head's AR half is half the AR's logits, so with the
 * MLM half alone gated, g → 0 leaves the AR at temperature 2 rather than AR-only; with α = 2 and
 * g → 0 such a head is the AR alone (exactly so for an AR without an output bias). Four trainable
 * scalars; weight decay leaves them alone (AdamW decays matrices only).
 */
export class FractionGate {
  readonly offset: tf.Variable<tf.Rank.R0>;
  readonly slope: tf.Variable<tf.Rank.R0>;
  readonly arOffset: tf.Variable<tf.Rank.R0>;
  readonly arSlope: tf.Variable<tf.Rank.R0>;

  constructor(values: FractionGateValues = { offset: 0, slope: 0 }) {
    this.offset = tf.variable(tf.scalar(values.offset), true, undefined, 'float32');
    this.slope = tf.variable(tf.scalar(values.slope), true, undefined, 'float32');
    this.arOffset = tf.variable(tf.scalar(values.arOffset ?? 0), true, undefined, 'float32');
    this.arSlope = tf.variable(tf.scalar(values.arSlope ?? 0), true, undefined, 'float32');
  }

  /**
   * g(f), the MLM half's scale, for each fraction in `fractions` ([N] → [N]); at least
   * `MIN_MLM_SCALE`, so ids the head bans (−1e30 in the MLM half) stay banned however far the
   * gate closes.
   */
  scale(fractions: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => tf.maximum(tf.mul(tf.sigmoid(tf.add(this.offset, tf.mul(this.slope, fractions))), 2), MIN_MLM_SCALE) as tf.Tensor1D);
  }

  /** α(f), the AR half's scale, for each fraction in `fractions` ([N] → [N]); its exponent is clipped to ±`MAX_AR_EXPONENT` (finite logits). */
  arScale(fractions: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => tf.exp(tf.clipByValue(tf.add(this.arOffset, tf.mul(this.arSlope, fractions)), -MAX_AR_EXPONENT, MAX_AR_EXPONENT)) as tf.Tensor1D);
  }

  /** g(f) of one fraction, as a number. */
  scaleAt(fraction: number): number {
    return this.scalesAt(fraction).mlm;
  }

  /** α(f) and g(f) of one fraction, as numbers (what a decoder multiplies each half by). */
  scalesAt(fraction: number): FractionGateScales {
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) throw new InvalidArgumentError('fraction', fraction, 'a masked fraction in [0, 1]');
    return tf.tidy(() => {
      const f = tf.tensor1d([fraction]);
      return { ar: this.arScale(f).dataSync()[0] as number, mlm: this.scale(f).dataSync()[0] as number };
    });
  }

  /** The gated logits [N, V] of `head` at N positions, each with the masked fraction of its sequence. */
  logits(head: FusionHead, hAR: tf.Tensor2D, hMLM: tf.Tensor2D, fractions: tf.Tensor1D): tf.Tensor2D {
    if (fractions.shape[0] !== hMLM.shape[0]) throw new ShapeMismatchError('masked fractions', fractions.shape, [hMLM.shape[0]]);
    return tf.tidy(() => tf.add(
      tf.mul(head.arLogits(hAR), this.arScale(fractions).expandDims(1)),
      tf.mul(head.mlmLogits(hMLM), this.scale(fractions).expandDims(1)),
    ) as tf.Tensor2D);
  }

  variables(): tf.Variable[] {
    return [this.offset, this.slope, this.arOffset, this.arSlope];
  }

  values(): Required<FractionGateValues> {
    const read = (v: tf.Variable) => v.dataSync()[0] as number;
    return { offset: read(this.offset), slope: read(this.slope), arOffset: read(this.arOffset), arSlope: read(this.arSlope) };
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}

/** Writes `fraction-gate.json` into a head directory (atomically). */
export async function saveFractionGate(gate: FractionGate, dir: string): Promise<void> {
  await writeTextFileAtomic(path.join(dir, FRACTION_GATE_FILE), `${JSON.stringify({ format: GATE_FORMAT, ...gate.values() }, null, 2)}\n`);
}

/** The gate stored in a head directory, or null when it has none (a plain MARIA head). */
export async function loadFractionGate(dir: string): Promise<FractionGate | null> {
  const file = path.join(dir, FRACTION_GATE_FILE);
  if (!(await pathExists(file))) return null;
  const raw = (await readJsonFile(file)) as Partial<FractionGateValues & { format: string }> | null;
  const optional = (value: unknown) => value === undefined || Number.isFinite(value);
  if (raw === null || typeof raw !== 'object' || raw.format !== GATE_FORMAT || !Number.isFinite(raw.offset) || !Number.isFinite(raw.slope)
    || !optional(raw.arOffset) || !optional(raw.arSlope)) {
    throw new CheckpointError(file, `not a fraction gate (expected {"format": "${GATE_FORMAT}", "offset": number, "slope": number, "arOffset"?: number, "arSlope"?: number})`);
  }
  return new FractionGate({ offset: raw.offset as number, slope: raw.slope as number, arOffset: raw.arOffset ?? 0, arSlope: raw.arSlope ?? 0 });
}
