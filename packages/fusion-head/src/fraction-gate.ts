import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, type FusionHead, ShapeMismatchError } from '@maria-ts/core';
import { pathExists, readJsonFile, writeTextFileAtomic } from '@maria-ts/backbones';

/** The gate's file inside a head directory; a head without it is plain MARIA. */
export const FRACTION_GATE_FILE = 'fraction-gate.json';
const GATE_FORMAT = 'maria-fraction-gate';

/** A gate's two numbers, as stored. */
export interface FractionGateValues {
  readonly offset: number;
  readonly slope: number;
}

/**
 * An opt-in extension of MARIA's fusion (not in the paper): the MLM half of the head's logits
 * is scaled by a gate that depends on how much of the sequence the MLM saw masked,
 *
 *   logits = h_AR·W_AR + g(f)·(h_MLM·W_MLM + b3),   g(f) = 2·σ(offset + slope·f),
 *
 * with f the masked fraction of the sequence (masked positions / length). At offset = slope = 0
 * the gate is 1 everywhere, i.e. plain MARIA, so a gate starts as exactly the head it extends and
 * can only learn to lean on the MLM less (g < 1) or more (g < 2) as the context empties. Two
 * trainable scalars; weight decay leaves them alone (AdamW decays matrices only).
 */
export class FractionGate {
  readonly offset: tf.Variable<tf.Rank.R0>;
  readonly slope: tf.Variable<tf.Rank.R0>;

  constructor(values: FractionGateValues = { offset: 0, slope: 0 }) {
    this.offset = tf.variable(tf.scalar(values.offset), true, undefined, 'float32');
    this.slope = tf.variable(tf.scalar(values.slope), true, undefined, 'float32');
  }

  /** g(f) for each fraction in `fractions` ([N] → [N]). */
  scale(fractions: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => tf.mul(tf.sigmoid(tf.add(this.offset, tf.mul(this.slope, fractions))), 2) as tf.Tensor1D);
  }

  /** g(f) of one fraction, as a number. */
  scaleAt(fraction: number): number {
    return tf.tidy(() => this.scale(tf.tensor1d([fraction])).dataSync()[0] as number);
  }

  /** The gated logits [N, V] of `head` at N positions, each with the masked fraction of its sequence. */
  logits(head: FusionHead, hAR: tf.Tensor2D, hMLM: tf.Tensor2D, fractions: tf.Tensor1D): tf.Tensor2D {
    if (fractions.shape[0] !== hMLM.shape[0]) throw new ShapeMismatchError('masked fractions', fractions.shape, [hMLM.shape[0]]);
    return tf.tidy(() => tf.add(head.arLogits(hAR), tf.mul(head.mlmLogits(hMLM), this.scale(fractions).expandDims(1))) as tf.Tensor2D);
  }

  variables(): tf.Variable[] {
    return [this.offset, this.slope];
  }

  values(): FractionGateValues {
    return { offset: this.offset.dataSync()[0] as number, slope: this.slope.dataSync()[0] as number };
  }

  dispose(): void {
    this.offset.dispose();
    this.slope.dispose();
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
  if (raw === null || typeof raw !== 'object' || raw.format !== GATE_FORMAT || !Number.isFinite(raw.offset) || !Number.isFinite(raw.slope)) {
    throw new CheckpointError(file, `not a fraction gate (expected {"format": "${GATE_FORMAT}", "offset": number, "slope": number})`);
  }
  return new FractionGate({ offset: raw.offset as number, slope: raw.slope as number });
}
