import { createHash } from 'node:crypto';
import { CheckpointError, type Rng } from '@maria-ts/core';
import { describeNonFinite, indexOfNonFinite } from './non-finite.js';
import { ruleShape, type ParameterRule } from './parameter-rule.js';

/** A parameter's values on the host, in our layout. */
export interface HostParameter {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A checkpoint tensor as read from disk (structurally the IO module's `HostTensor`). */
export interface CheckpointTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((size, i) => size === b[i]);
const formatShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Transposes a row-major [rows, columns] matrix. */
function transpose(data: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const rowStart = r * columns;
    for (let c = 0; c < columns; c++) out[c * rows + r] = data[rowStart + c] as number;
  }
  return out;
}

/** Concatenates row-major tensors along their last axis. */
function concatLastAxis(parts: readonly { shape: readonly number[]; data: Float32Array }[], shape: readonly number[]): Float32Array {
  if (parts.length === 1) return (parts[0] as { data: Float32Array }).data;
  const width = shape[shape.length - 1] as number;
  const rows = shape.slice(0, -1).reduce((product, size) => product * size, 1);
  const out = new Float32Array(rows * width);
  let column = 0;
  for (const part of parts) {
    const partWidth = part.shape[part.shape.length - 1] as number;
    for (let r = 0; r < rows; r++) out.set(part.data.subarray(r * partWidth, (r + 1) * partWidth), r * width + column);
    column += partWidth;
  }
  return out;
}

/** The outcome of assembling a checkpoint: our parameters, plus tensors nothing used. */
export interface AssembledParameters {
  readonly parameters: Map<string, HostParameter>;
  /** Checkpoint tensors no rule read (reported as warnings by the loader). */
  readonly unused: string[];
}

/**
 * Builds our parameters from checkpoint tensors by the family's rules: every source must be
 * present with exactly the shape the config implies and hold only finite values, else a
 * `CheckpointError` names the tensor and what is wrong with it. Linear weights are transposed to [in, out] and
 * fused sources concatenated, once, here.
 */
export function assembleParameters(rules: readonly ParameterRule[], tensors: ReadonlyMap<string, CheckpointTensor>, source: string, ignorable: (name: string) => boolean = () => false): AssembledParameters {
  const used = new Set<string>();
  const parameters = new Map<string, HostParameter>();
  for (const rule of rules) {
    const parts = rule.sources.map((name, i) => {
      const tensor = tensors.get(name);
      const expected = rule.sourceShapes[i] as readonly number[];
      if (!tensor) throw new CheckpointError(source, `missing tensor '${name}' (expected shape ${formatShape(expected)})`);
      if (!sameShape(tensor.shape, expected)) {
        throw new CheckpointError(source, `tensor '${name}' has shape ${formatShape(tensor.shape)}, but the config implies ${formatShape(expected)}`);
      }
      const bad = indexOfNonFinite(tensor.data);
      if (bad >= 0) throw new CheckpointError(source, `tensor '${name}' holds ${describeNonFinite(tensor.data[bad] as number)} at element ${bad} (of ${formatShape(tensor.shape)}); the weights are corrupt or diverged`);
      used.add(name);
      if (rule.layout === 'linear') {
        const [rows, columns] = expected as [number, number];
        return { shape: [columns, rows], data: transpose(tensor.data, rows, columns) };
      }
      return { shape: expected, data: tensor.data };
    });
    const shape = ruleShape(rule);
    parameters.set(rule.name, { shape, data: concatLastAxis(parts, shape) });
  }
  const unused = [...tensors.keys()].filter((name) => !used.has(name) && !ignorable(name));
  return { parameters, unused };
}

/**
 * Fresh parameters for pretraining: weights and embeddings ~ N(0, std²) drawn from `rng`
 * in rule order (so a seed fixes the model), norm weights 1, biases 0.
 */
export function initialiseParameters(rules: readonly ParameterRule[], rng: Rng, std: number): Map<string, HostParameter> {
  const parameters = new Map<string, HostParameter>();
  for (const rule of rules) {
    const shape = ruleShape(rule);
    const data = new Float32Array(shape.reduce((product, size) => product * size, 1));
    if (rule.init === 'ones') data.fill(1);
    else if (rule.init === 'normal') for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, std);
    parameters.set(rule.name, { shape, data });
  }
  return parameters;
}

/**
 * The inverse of `assembleParameters`: our parameters back under checkpoint names and
 * layouts, so a model trained here can be written as a Hugging Face checkpoint.
 */
export function disassembleParameters(rules: readonly ParameterRule[], parameters: ReadonlyMap<string, HostParameter>): Map<string, CheckpointTensor> {
  const tensors = new Map<string, CheckpointTensor>();
  for (const rule of rules) {
    const parameter = parameters.get(rule.name);
    if (!parameter) throw new CheckpointError(rule.name, 'parameter missing from the model');
    const shape = parameter.shape;
    const width = shape[shape.length - 1] as number;
    const rows = parameter.data.length / width;
    let column = 0;
    rule.sources.forEach((name, i) => {
      const sourceShape = rule.sourceShapes[i] as readonly number[];
      const partWidth = rule.layout === 'linear' ? (sourceShape[0] as number) : (sourceShape[sourceShape.length - 1] as number);
      const part = new Float32Array(rows * partWidth);
      for (let r = 0; r < rows; r++) part.set(parameter.data.subarray(r * width + column, r * width + column + partWidth), r * partWidth);
      column += partWidth;
      const data = rule.layout === 'linear' ? transpose(part, rows, partWidth) : part;
      tensors.set(name, { shape: [...sourceShape], data });
    });
  }
  return tensors;
}

/** SHA-256 over names, shapes and values: identifies a set of weights (BackboneInfo.contentHash). */
export function contentHash(parameters: ReadonlyMap<string, HostParameter>): string {
  const hash = createHash('sha256');
  for (const name of [...parameters.keys()].sort()) {
    const parameter = parameters.get(name) as HostParameter;
    hash.update(`${name}:${parameter.shape.join('x')};`);
    hash.update(new Uint8Array(parameter.data.buffer, parameter.data.byteOffset, parameter.data.byteLength));
  }
  return hash.digest('hex');
}
