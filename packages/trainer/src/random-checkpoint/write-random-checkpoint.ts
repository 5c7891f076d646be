import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Rng } from '@maria-ts/core';
import {
  disassembleParameters,
  initialiseParameters,
  modernBertDecoderParameterRules,
  modernBertParameterRules,
  olmoParameterRules,
  parseModernBertConfig,
  parseModernBertDecoderConfig,
  parseOlmoConfig,
  saveCheckpointFiles,
  type ParameterRule,
  type StoredDtype,
  type WritableTensor,
} from '@maria-ts/backbones';

export interface RandomCheckpointOptions {
  /** A Hugging Face config.json object of a family this writes (`olmo`, `modernbert`, `modernbert-decoder`). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly out: string;
  readonly dtype: StoredDtype;
  readonly seed: number;
  /** A tokenizer.json copied into the checkpoint (with the tokenizer_config.json beside it, if any). */
  readonly tokenizerFile?: string;
  /** Largest safetensors shard in bytes (Hugging Face's default is 5 GB; 2 GiB keeps each file small). */
  readonly maxShardBytes?: number;
  /** Progress: called after each parameter is drawn. */
  readonly onParameter?: (name: string, done: number, total: number) => void;
}

export interface RandomCheckpointSummary {
  readonly out: string;
  readonly modelType: string;
  readonly parameters: number;
  readonly tensors: number;
  readonly dtype: StoredDtype;
}

/** The family's parameter rules for a config: the same rules the loader checks a checkpoint against. */
function rulesFor(config: Readonly<Record<string, unknown>>): { rules: ParameterRule[]; std: number } {
  switch (config.model_type) {
    case 'olmo': {
      const parsed = parseOlmoConfig(config, 'random checkpoint config').config;
      return { rules: olmoParameterRules(parsed), std: parsed.initializerRange };
    }
    case 'modernbert': {
      const parsed = parseModernBertConfig(config, 'random checkpoint config').config;
      return { rules: modernBertParameterRules(parsed), std: parsed.initializerRange };
    }
    case 'modernbert-decoder': {
      const parsed = parseModernBertDecoderConfig(config, 'random checkpoint config').config;
      return { rules: modernBertDecoderParameterRules(parsed), std: parsed.initializerRange };
    }
    default:
      throw new InvalidArgumentError('model_type', config.model_type, "'olmo', 'modernbert' or 'modernbert-decoder'");
  }
}

/**
 * Writes a checkpoint with random weights (N(0, initializer_range²), norms 1, biases 0, from
 * `seed`) in Hugging Face layout: config.json and safetensors under Hugging Face tensor
 * names, stored in `dtype`. The weights are drawn on the host, one parameter at a time, by
 * the family's own rules, so no tensor engine runs and a model larger than wasm's 4 GiB can
 * be written; the loader reads it back by the same rules.
 */
export async function writeRandomCheckpoint(options: RandomCheckpointOptions): Promise<RandomCheckpointSummary> {
  const { rules, std } = rulesFor(options.config);
  const rng = new Rng(options.seed);
  const tensors = new Map<string, WritableTensor>();
  let parameters = 0;
  for (const [index, rule] of rules.entries()) {
    const drawn = initialiseParameters([rule], rng, std);
    for (const [name, tensor] of disassembleParameters([rule], drawn)) {
      tensors.set(name, tensor);
      parameters += tensor.data.length;
    }
    options.onParameter?.(rule.name, index + 1, rules.length);
  }
  await mkdir(options.out, { recursive: true });
  await saveCheckpointFiles(options.out, {
    config: { ...options.config, torch_dtype: options.dtype === 'BF16' ? 'bfloat16' : options.dtype === 'F16' ? 'float16' : 'float32' },
    tensors,
    dtype: options.dtype,
    maxShardBytes: options.maxShardBytes ?? 2 * 1024 ** 3,
    metadata: { maria: `random weights, seed ${options.seed}` },
  });
  if (options.tokenizerFile !== undefined) {
    await copyFile(options.tokenizerFile, path.join(options.out, 'tokenizer.json'));
    const tokenizerConfig = path.join(path.dirname(options.tokenizerFile), 'tokenizer_config.json');
    const exists = await stat(tokenizerConfig).then((s) => s.isFile(), () => false);
    if (exists) await copyFile(tokenizerConfig, path.join(options.out, 'tokenizer_config.json'));
  }
  return { out: options.out, modelType: String(options.config.model_type), parameters, tensors: tensors.size, dtype: options.dtype };
}
