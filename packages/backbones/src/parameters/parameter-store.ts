import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '@maria-ts/core';
import type { HostParameter } from './host-parameters.js';

/**
 * A model's parameters as tfjs variables, looked up by our parameter names. Variables so
 * that pretraining can optimise them; loaded checkpoints are frozen (`trainable: false`),
 * which also lets the vocab projection cache transposes.
 */
export class ParameterStore {
  private readonly variablesByName = new Map<string, tf.Variable>();

  constructor(parameters: ReadonlyMap<string, HostParameter>, options: { readonly trainable: boolean }) {
    for (const [name, parameter] of parameters) {
      const initial = tf.tensor(parameter.data, [...parameter.shape], 'float32');
      this.variablesByName.set(name, tf.variable(initial, options.trainable));
      initial.dispose();
    }
  }

  has(name: string): boolean {
    return this.variablesByName.has(name);
  }

  private get(name: string, rank: number): tf.Variable {
    const variable = this.variablesByName.get(name);
    if (!variable) throw new CheckpointError(name, 'parameter not found in the model');
    if (variable.rank !== rank) throw new CheckpointError(name, `parameter has rank ${variable.rank}, expected ${rank}`);
    return variable;
  }

  vector(name: string): tf.Tensor1D {
    return this.get(name, 1) as unknown as tf.Tensor1D;
  }

  matrix(name: string): tf.Tensor2D {
    return this.get(name, 2) as unknown as tf.Tensor2D;
  }

  /** The vector `name`, or null when the config gives the model no such parameter (biases, norm weights). */
  optionalVector(name: string): tf.Tensor1D | null {
    return this.has(name) ? this.vector(name) : null;
  }

  variables(): tf.Variable[] {
    return [...this.variablesByName.values()];
  }

  /** Current values back on the host (for export and hashing). */
  toHost(): Map<string, HostParameter> {
    const host = new Map<string, HostParameter>();
    for (const [name, variable] of this.variablesByName) host.set(name, { shape: variable.shape, data: Float32Array.from(variable.dataSync() as Float32Array) });
    return host;
  }

  dispose(): void {
    for (const variable of this.variablesByName.values()) variable.dispose();
    this.variablesByName.clear();
  }
}
