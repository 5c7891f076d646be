import { CheckpointError } from '@maria-ts/core';
import { ruleShape, type ParameterRule } from './parameter-rule.js';

/** `layers.3.`, `h.3.` (GPT-2), `layer.3.` (BERT), `blocks.3.`: a transformer block's index in a tensor name. */
const LAYER_INDEX = /(?:^|\.)(?:layers|layer|h|blocks)\.(\d+)\./;

/** How many transformer blocks the tensor names hold (highest block index + 1; 0 when none). */
export function layersInTensorNames(names: Iterable<string>): number {
  let count = 0;
  for (const name of names) {
    const match = LAYER_INDEX.exec(name);
    if (match) count = Math.max(count, Number(match[1]) + 1);
  }
  return count;
}

/**
 * Refuses a config that asks for more layers than the checkpoint has, before the family
 * plans one parameter per layer: a config's layer count is only bounded by the weights, and
 * planning a billion layers to report the first missing tensor exhausts the heap.
 */
export function assertLayersPresent(source: string, numLayers: number, tensorNames: Iterable<string>): void {
  const present = layersInTensorNames(tensorNames);
  if (numLayers > present) throw new CheckpointError(`${source}/config.json`, `the config asks for ${numLayers} layers, but the weights hold ${present}`);
}

/**
 * Most float32 values a fresh model may have (8 GiB), checked on the plan before anything is
 * allocated, so an absurd but in-bounds config (a huge vocabulary times a huge width) is a
 * typed error instead of an allocation failure.
 */
export const MAX_FRESH_PARAMETERS = 2 ** 31;

/** Refuses rules whose parameters add up to more than `MAX_FRESH_PARAMETERS` values. */
export function assertPlanFits(source: string, rules: readonly ParameterRule[]): void {
  let total = 0;
  for (const rule of rules) total += ruleShape(rule).reduce((product, size) => product * size, 1);
  if (total > MAX_FRESH_PARAMETERS) throw new CheckpointError(source, `the config implies ${total} parameters, more than the ${MAX_FRESH_PARAMETERS} a model here may have`);
}

/** Unused tensors listed one per warning up to this many; more are summarised in one line. */
export const MAX_LISTED_UNUSED_TENSORS = 5;

/**
 * Warning lines for checkpoint tensors nothing used: one per tensor for a few, one summary
 * line (the first few names and the count) for many, so a header with 100,000 stray entries
 * does not print 100,000 lines.
 */
export function unusedTensorWarnings(source: string, modelType: string, unused: readonly string[]): string[] {
  if (unused.length <= MAX_LISTED_UNUSED_TENSORS) return unused.map((name) => `${source}: ignoring tensor '${name}' that the ${modelType} architecture does not use`);
  const listed = unused.slice(0, MAX_LISTED_UNUSED_TENSORS).map((name) => `'${name}'`).join(', ');
  return [`${source}: ignoring ${unused.length} tensors that the ${modelType} architecture does not use (${listed} and ${unused.length - MAX_LISTED_UNUSED_TENSORS} more)`];
}
