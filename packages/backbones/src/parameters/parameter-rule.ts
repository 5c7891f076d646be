/** How a from-scratch parameter is initialised. */
export type ParameterInit = 'normal' | 'ones' | 'zeros';

/**
 * How one of our parameters is assembled from checkpoint tensors. A family's `convert.ts`
 * lists these rules, so the architecture only knows its own parameter names and the
 * checkpoint naming lives in one small table per family (keras-hub's convert_<family>).
 * The same rules validate a checkpoint, initialise a fresh model and export one back.
 */
export interface ParameterRule {
  /** Our parameter name, e.g. `layers.0.attention.queryKeyValue.weight`. */
  readonly name: string;
  /** Checkpoint tensors, concatenated along the output axis when there are several. */
  readonly sources: readonly string[];
  /** Expected shape of each source as the checkpoint stores it. */
  readonly sourceShapes: readonly (readonly number[])[];
  /**
   * `linear`: an nn.Linear weight stored [out, in], transposed to our [in, out].
   * `direct`: used as stored (embeddings, norms, biases, GPT-2's Conv1D [in, out]).
   */
  readonly layout: 'linear' | 'direct';
  readonly init: ParameterInit;
}

/** A dense weight from one or more nn.Linear tensors [outᵢ, in] → ours [in, Σ outᵢ]. */
export function linearWeight(name: string, sources: readonly string[], outputSizes: readonly number[], inputSize: number): ParameterRule {
  return { name, sources, sourceShapes: outputSizes.map((out) => [out, inputSize]), layout: 'linear', init: 'normal' };
}

/** A 1-D parameter (bias or norm weight), possibly concatenated from several tensors. */
export function vector(name: string, sources: readonly string[], sizes: readonly number[], init: 'zeros' | 'ones'): ParameterRule {
  return { name, sources, sourceShapes: sizes.map((size) => [size]), layout: 'direct', init };
}

/** A tensor used exactly as stored (embedding tables, Conv1D weights). */
export function stored(name: string, source: string, shape: readonly number[], init: ParameterInit = 'normal'): ParameterRule {
  return { name, sources: [source], sourceShapes: [shape], layout: 'direct', init };
}

/** Our parameter's shape under a rule. */
export function ruleShape(rule: ParameterRule): number[] {
  const first = rule.sourceShapes[0] ?? [];
  if (rule.layout === 'linear') return [first[1] ?? 0, rule.sourceShapes.reduce((sum, shape) => sum + (shape[0] ?? 0), 0)];
  if (rule.sourceShapes.length === 1) return [...first];
  const last = first.length - 1;
  return first.map((size, axis) => (axis === last ? rule.sourceShapes.reduce((sum, shape) => sum + (shape[axis] ?? 0), 0) : size));
}

/**
 * The prefix a checkpoint stores its body under: `prefix` when some tensor name starts with
 * it (or when there are no names, for a fresh model's export), else none. Task-model
 * exports (`GPT2LMHeadModel`, `BertForMaskedLM`) use a prefix that bare models lack.
 */
export function checkpointPrefix(prefix: string, tensorNames?: readonly string[]): string {
  if (!tensorNames) return prefix;
  return tensorNames.some((name) => name.startsWith(prefix)) ? prefix : '';
}
