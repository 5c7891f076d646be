import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@maria-ts/core';

export interface AdamWOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Decoupled weight decay (Loshchilov & Hutter), applied as `p ← p − lr·λ·p`. */
  readonly weightDecay?: number;
  /** Which variables decay. Default: rank ≥ 2 (matrices), not biases or norm gains. */
  readonly decays?: (variable: tf.Variable) => boolean;
  /**
   * Where a decaying variable decays to: with an anchor `a` (same shape) the decay is
   * `p ← p − lr·λ·(p − a)`, a pull toward `a` instead of toward 0 (e.g. toward a head's
   * product-of-experts initialisation). Default: no anchor, decay toward 0. The anchors are
   * the caller's: the optimizer neither copies nor disposes them.
   */
  readonly anchor?: (variable: tf.Variable) => tf.Tensor | undefined;
  /**
   * Stable key of a variable's slots in `getState()`. tfjs variable names are unique per
   * process and may differ between runs, so checkpoints should key by parameter name
   * (e.g. the Hugging Face tensor name). Default: `variable.name`.
   */
  readonly slotKey?: (variable: tf.Variable) => string;
}

/** Host copy of the optimizer's state, for checkpoints; `setState` restores it exactly. */
export interface AdamWState {
  readonly step: number;
  /** Per slot key (see `slotKey`): first and second moments. */
  readonly slots: Readonly<Record<string, { readonly m: Float32Array; readonly v: Float32Array; readonly shape: readonly number[] }>>;
}

/**
 * AdamW with the learning rate passed per step (so any schedule works) and a serialisable
 * state (so training resumes exactly after a crash). tfjs's own Adam has no decoupled weight
 * decay and no way to save its slots. The update matches PyTorch's `torch.optim.AdamW`.
 */
export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly decays: (variable: tf.Variable) => boolean;
  private readonly slotKey: (variable: tf.Variable) => string;
  private readonly anchor: (variable: tf.Variable) => tf.Tensor | undefined;
  private readonly slots = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  private stepCount = 0;

  constructor(options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.decays = options.decays ?? ((variable) => variable.rank >= 2);
    this.slotKey = options.slotKey ?? ((variable) => variable.name);
    this.anchor = options.anchor ?? (() => undefined);
    for (const [name, value] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(value >= 0 && value < 1)) throw new InvalidArgumentError(name, value, 'a number in [0, 1)');
    }
  }

  /** Updates completed so far. */
  get step(): number {
    return this.stepCount;
  }

  /** Applies one update with gradients keyed by variable name (as `tf.variableGrads` returns them). */
  apply(variables: readonly tf.Variable[], gradients: Readonly<Record<string, tf.Tensor>>, learningRate: number): void {
    this.stepCount += 1;
    const t = this.stepCount;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    // One variable at a time, each stage in its own scope: a stage's temporaries (tensors of the
    // variable's size) are freed before the next, so an update holds a few such tensors at once
    // rather than one per operation for every variable. A 1,024 × 50,368 head on wasm's 4 GiB
    // heap depends on it. The arithmetic, and its order, is unchanged.
    for (const variable of variables) {
      const gradient = gradients[variable.name];
      if (!gradient) continue;
      const slot = this.slotFor(variable);
      tf.tidy(() => {
        slot.m.assign(tf.tidy(() => tf.add(tf.mul(slot.m, this.beta1), tf.mul(gradient, 1 - this.beta1))));
        slot.v.assign(tf.tidy(() => tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2))));
      });
      tf.tidy(() => {
        const denominator = tf.tidy(() => tf.add(tf.sqrt(tf.div(slot.v, correction2)), this.epsilon));
        const update = tf.tidy(() => tf.mul(tf.div(tf.div(slot.m, correction1), denominator), learningRate));
        denominator.dispose();
        const decayed = this.weightDecay > 0 && this.decays(variable) ? tf.tidy(() => this.decayed(variable, learningRate * this.weightDecay)) : variable;
        variable.assign(tf.tidy(() => tf.sub(decayed, update)));
      });
    }
  }

  /** `p − rate·p`, or `p − rate·(p − anchor)` where the variable has an anchor. */
  private decayed(variable: tf.Variable, rate: number): tf.Tensor {
    const anchor = this.anchor(variable);
    if (anchor === undefined) return tf.mul(variable, 1 - rate);
    if (anchor.size !== variable.size) throw new InvalidArgumentError(`anchor of ${variable.name}`, `shape [${anchor.shape.join(', ')}]`, `the variable's shape [${variable.shape.join(', ')}]`);
    return tf.sub(variable, tf.mul(tf.sub(variable, anchor.reshape(variable.shape)), rate));
  }

  getState(): AdamWState {
    const slots: Record<string, { m: Float32Array; v: Float32Array; shape: number[] }> = {};
    for (const [name, slot] of this.slots) {
      slots[name] = { m: slot.m.dataSync() as Float32Array, v: slot.v.dataSync() as Float32Array, shape: slot.m.shape };
    }
    return { step: this.stepCount, slots };
  }

  setState(state: AdamWState): void {
    this.disposeSlots();
    this.stepCount = state.step;
    for (const [name, slot] of Object.entries(state.slots)) {
      this.slots.set(name, {
        m: tf.variable(tf.tensor(slot.m, [...slot.shape]), false),
        v: tf.variable(tf.tensor(slot.v, [...slot.shape]), false),
      });
    }
  }

  dispose(): void {
    this.disposeSlots();
  }

  private slotFor(variable: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    const key = this.slotKey(variable);
    let slot = this.slots.get(key);
    if (!slot) {
      // The zeros they start from are freed here; the variables keep their own copy.
      slot = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) }));
      this.slots.set(key, slot);
    }
    return slot;
  }

  private disposeSlots(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }
}
