import { Rng, type ARBackbone, type MLMBackbone, type Tokenizer } from '@maria-ts/core';
import type { ParsedConfig } from './config/config-reader.js';
import { assembleParameters, contentHash, initialiseParameters, type CheckpointTensor, type HostParameter } from './parameters/host-parameters.js';
import { assertLayersPresent, assertPlanFits, unusedTensorWarnings } from './parameters/checkpoint-plan-checks.js';
import type { ParameterRule } from './parameters/parameter-rule.js';
import type { CheckpointContents } from './base/transformer-backbone.js';

/** A backbone as the families build it: core's causal or masked interface plus export to a checkpoint. */
export type Backbone = (ARBackbone | MLMBackbone) & {
  /** Weights under Hugging Face names plus config.json, for the safetensors writer. */
  toCheckpoint(): CheckpointContents;
};

/** What a family's model constructor receives besides its config. */
export interface ModelInputs {
  readonly parameters: ReadonlyMap<string, HostParameter>;
  /** Frozen (loaded) or trainable (from scratch). */
  readonly trainable: boolean;
  readonly contentHash: string;
  /** config.json to write next to exported weights. */
  readonly checkpointConfig: Record<string, unknown>;
  readonly rules: readonly ParameterRule[];
  /** MLM mask id from the tokenizer or the caller, if known. */
  readonly maskTokenId: number | null;
}

/** What the shared loading code reads from every family's typed config. */
export interface FamilyConfig {
  /** Std of the from-scratch normal init. */
  readonly initializerRange: number;
  /** Transformer blocks; checked against the checkpoint's before any is planned. */
  readonly numLayers: number;
}

/**
 * How one family is declared in its folder (config parsing, naming rules, model). Its
 * typed config carries `initializerRange`, the std of the from-scratch normal init.
 */
export interface FamilySpec<Config extends FamilyConfig> {
  /** Hugging Face `model_type`. */
  readonly modelType: string;
  readonly kind: 'ar' | 'mlm';
  parseConfig(raw: unknown, source: string): ParsedConfig<Config>;
  /**
   * Parameter rules for this config. `tensorNames` (absent for from-scratch models) lets
   * the family detect the checkpoint's naming prefix (`transformer.`, `bert.`, ...).
   */
  parameterRules(config: Config, tensorNames?: readonly string[]): ParameterRule[];
  /**
   * Checkpoint tensors that are known and unused (buffers, tied duplicates). `tensors` lets a
   * family skip a tied copy quietly only when it equals what it is tied to.
   */
  isIgnorableTensor?(name: string, tensors: ReadonlyMap<string, CheckpointTensor>): boolean;
  createModel(config: Config, inputs: ModelInputs): Backbone;
}

export interface BuildOptions {
  /** Shown in errors and warnings (the checkpoint directory). */
  readonly source?: string;
  readonly tokenizer?: Tokenizer;
  /** Overrides the MLM mask id found in the tokenizer or config. */
  readonly maskTokenId?: number;
  /** Load the weights as trainable variables (to continue pretraining); default frozen. */
  readonly trainable?: boolean;
}

export interface BuildResult {
  readonly backbone: Backbone;
  /** Unknown config keys and unused tensors, one line each. */
  readonly warnings: readonly string[];
}

/** A registered family: parse a config, build from checkpoint tensors, or initialise from a seed. */
export interface BackboneFamily {
  readonly modelType: string;
  readonly kind: 'ar' | 'mlm';
  parseConfig(raw: unknown, source?: string): ParsedConfig<unknown>;
  build(rawConfig: Record<string, unknown>, tensors: ReadonlyMap<string, CheckpointTensor>, options?: BuildOptions): BuildResult;
  init(rawConfig: Record<string, unknown>, options: { readonly seed: number; readonly maskTokenId?: number }): BuildResult;
}

function maskIdFrom(rawConfig: Record<string, unknown>, options: BuildOptions): number | null {
  if (options.maskTokenId !== undefined) return options.maskTokenId;
  const fromTokenizer = options.tokenizer?.specialTokens.mask;
  if (fromTokenizer !== undefined) return fromTokenizer;
  const fromConfig = rawConfig.mask_token_id;
  return typeof fromConfig === 'number' && Number.isInteger(fromConfig) ? fromConfig : null;
}

/**
 * Turns a family's spec into the registry entry: `build` validates and assembles
 * checkpoint tensors by the family's rules, `init` draws fresh parameters from a seeded
 * `Rng`. Both end in the family's own model constructor, so a loaded and a fresh model
 * share every line of architecture code.
 */
export function defineFamily<Config extends FamilyConfig>(spec: FamilySpec<Config>): BackboneFamily {
  const create = (config: Config, parameters: Map<string, HostParameter>, rules: ParameterRule[], rawConfig: Record<string, unknown>, options: BuildOptions, trainable: boolean) =>
    spec.createModel(config, {
      parameters,
      trainable,
      contentHash: contentHash(parameters),
      checkpointConfig: { ...rawConfig, model_type: spec.modelType },
      rules,
      maskTokenId: maskIdFrom(rawConfig, options),
    });
  return {
    modelType: spec.modelType,
    kind: spec.kind,
    parseConfig: (raw, source = `${spec.modelType} config`) => spec.parseConfig(raw, source),
    build(rawConfig, tensors, options = {}) {
      const source = options.source ?? `${spec.modelType} checkpoint`;
      const { config, warnings } = spec.parseConfig(rawConfig, `${source}/config.json`);
      assertLayersPresent(source, config.numLayers, tensors.keys());
      const rules = spec.parameterRules(config, [...tensors.keys()]);
      const { parameters, unused } = assembleParameters(rules, tensors, source, (name) => spec.isIgnorableTensor?.(name, tensors) ?? false);
      const backbone = create(config, parameters, rules, rawConfig, options, options.trainable ?? false);
      return { backbone, warnings: [...warnings, ...unusedTensorWarnings(source, spec.modelType, unused)] };
    },
    init(rawConfig, options) {
      const { config, warnings } = spec.parseConfig(rawConfig, `${spec.modelType} config`);
      const rules = spec.parameterRules(config);
      assertPlanFits(`${spec.modelType} config`, rules);
      const parameters = initialiseParameters(rules, new Rng(options.seed), config.initializerRange);
      return { backbone: create(config, parameters, rules, rawConfig, options, true), warnings };
    },
  };
}
