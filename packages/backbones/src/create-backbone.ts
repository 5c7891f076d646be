import { log } from '@maria-ts/core';
import { backboneFamilies } from './families.js';
import type { Backbone } from './family.js';

export interface CreateBackboneOptions {
  /** Seeds the core `Rng` that draws every initial weight. */
  readonly seed: number;
  /** MLM mask id (MLM families; otherwise read from config `mask_token_id` if present). */
  readonly maskTokenId?: number;
  readonly onWarning?: (line: string) => void;
}

/**
 * A fresh, trainable backbone for pretraining: `config` is a config.json object in the
 * family's Hugging Face spelling (so the same object is later written next to the
 * weights), and every weight is drawn from N(0, initializer_range²) with norms at 1 and
 * biases at 0, deterministically from `seed`.
 */
export function createBackbone(modelType: string, config: Record<string, unknown>, options: CreateBackboneOptions): Backbone {
  const { backbone, warnings } = backboneFamilies.get(modelType).init({ ...config, model_type: modelType }, options);
  for (const line of warnings) (options.onWarning ?? log)(line);
  return backbone;
}
