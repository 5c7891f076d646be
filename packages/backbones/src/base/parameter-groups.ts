import type { DenseParameters } from '../layers/dense.js';
import type { LayerNormParameters } from '../layers/layer-norm.js';
import type { ParameterStore } from '../parameters/parameter-store.js';

/** Our name of a parameter inside transformer block `layer`, e.g. `layers.3.attention.output.weight`. */
export function layerParameter(layer: number, path: string): string {
  return `layers.${layer}.${path}`;
}

/** `<prefix>.weight` and an optional `<prefix>.bias` as a dense layer. */
export function denseParameters(store: ParameterStore, prefix: string): DenseParameters {
  return { weight: store.matrix(`${prefix}.weight`), bias: store.optionalVector(`${prefix}.bias`) };
}

/** A norm's optional `<prefix>.weight` and `<prefix>.bias`. */
export function normParameters(store: ParameterStore, prefix: string): LayerNormParameters {
  return { weight: store.optionalVector(`${prefix}.weight`), bias: store.optionalVector(`${prefix}.bias`) };
}
