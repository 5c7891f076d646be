import { CheckpointError, log } from '@maria-ts/core';
import { loadCheckpointFiles, type CheckpointFiles } from './io/checkpoint-files.js';
import { resolveModelDir, type ResolveModelDirOptions } from './io/hub-download.js';
import { backboneFamilies } from './families.js';
import type { Backbone } from './family.js';

export interface LoadBackboneOptions {
  /** MLM mask id when neither tokenizer.json nor config.json names one. */
  readonly maskTokenId?: number;
  /** Receives each warning (unknown config keys, unused tensors). Default: core's `log` (stderr). */
  readonly onWarning?: (line: string) => void;
  /** Where and how a Hub model id is downloaded (ignored for local directories). */
  readonly hub?: ResolveModelDirOptions;
  /** Load trainable variables (to continue pretraining from a checkpoint); default frozen. */
  readonly trainable?: boolean;
}

/** A loaded backbone plus what came with it. */
export interface LoadedBackbone {
  readonly backbone: Backbone;
  readonly checkpoint: CheckpointFiles;
  readonly warnings: readonly string[];
}

/** The `model_type` of a checkpoint's config, checked to be a string. */
export function modelTypeOf(config: Record<string, unknown>, source: string): string {
  const modelType = config.model_type;
  if (typeof modelType !== 'string' || modelType.length === 0) throw new CheckpointError(`${source}/config.json`, `model_type is ${JSON.stringify(modelType) ?? 'missing'}; expected one of ${backboneFamilies.names().join(', ')}`);
  return modelType;
}

/**
 * Loads a backbone from a Hugging Face checkpoint: a local directory, a Hub model id
 * (downloaded once into the cache), or files already read with `loadCheckpointFiles`.
 * The family is picked by config.json's `model_type`; its config parser and tensor rules
 * validate everything, so a bad checkpoint fails here with a typed error.
 */
export async function loadBackboneWithCheckpoint(source: string | CheckpointFiles, options: LoadBackboneOptions = {}): Promise<LoadedBackbone> {
  const checkpoint = typeof source === 'string' ? await loadCheckpointFiles(await resolveModelDir(source, options.hub)) : source;
  const family = backboneFamilies.get(modelTypeOf(checkpoint.config, checkpoint.dir));
  const { backbone, warnings } = family.build(checkpoint.config, checkpoint.tensors, {
    source: checkpoint.dir,
    ...(checkpoint.tokenizer ? { tokenizer: checkpoint.tokenizer } : {}),
    ...(options.maskTokenId !== undefined ? { maskTokenId: options.maskTokenId } : {}),
    ...(options.trainable ? { trainable: true } : {}),
  });
  for (const line of warnings) (options.onWarning ?? log)(line);
  return { backbone, checkpoint, warnings };
}

/** `loadBackboneWithCheckpoint` for callers that only need the backbone. */
export async function loadBackbone(source: string | CheckpointFiles, options: LoadBackboneOptions = {}): Promise<Backbone> {
  return (await loadBackboneWithCheckpoint(source, options)).backbone;
}
