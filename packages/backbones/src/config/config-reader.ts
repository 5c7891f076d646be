import { CheckpointError } from '@maria-ts/core';
import { UnsupportedConfigError } from '../errors.js';

/** A family's typed config plus the keys of config.json it did not use. */
export interface ParsedConfig<Config> {
  readonly config: Config;
  /** One line per config.json key the family ignored because it does not know it. */
  readonly warnings: readonly string[];
}

/**
 * Keys every Hugging Face config may carry that do not change inference: bookkeeping,
 * generation defaults, label maps and training-only switches. Dropout rates are matched by
 * pattern because each family spells them differently.
 */
const INERT_KEYS = new Set([
  '_name_or_path',
  'architectures',
  'model_type',
  'transformers_version',
  'torch_dtype',
  'dtype',
  'use_cache',
  'return_dict',
  'output_hidden_states',
  'output_attentions',
  'torchscript',
  'id2label',
  'label2id',
  'problem_type',
  'tokenizer_class',
  'prefix',
  'task_specific_params',
  'finetuning_task',
  'is_encoder_decoder',
  'add_cross_attention',
  'tie_encoder_decoder',
  'chunk_size_feed_forward',
  'pruned_heads',
  'gradient_checkpointing',
  'max_length',
  'min_length',
  'do_sample',
  'early_stopping',
  'num_beams',
  'temperature',
  'top_k',
  'top_p',
  'repetition_penalty',
  'length_penalty',
  'no_repeat_ngram_size',
  'num_return_sequences',
  'bad_words_ids',
  'decoder_start_token_id',
  'sep_token_id',
  'cls_token_id',
  'pad_token_id',
  'bos_token_id',
  'eos_token_id',
  'mask_token_id',
]);

const INERT_PATTERNS = [/dropout/, /_pdrop$/];

/**
 * Upper bounds of the structural sizes, far above any published model (the deepest have a few
 * hundred layers, the widest vocabularies a few hundred thousand ids, the longest contexts ~10M
 * positions) and far below what would exhaust memory while the model is being laid out: a
 * config with `num_hidden_layers: 1e9` must fail here, before a single layer is planned.
 */
export const CONFIG_INTEGER_LIMITS: Readonly<Record<string, number>> = {
  num_hidden_layers: 4096,
  n_layer: 4096,
  num_attention_heads: 4096,
  n_head: 4096,
  num_key_value_heads: 4096,
  global_attn_every_n_layers: 4096,
  head_dim: 1 << 14,
  hidden_size: 1 << 17,
  n_embd: 1 << 17,
  intermediate_size: 1 << 20,
  n_inner: 1 << 20,
  vocab_size: 1 << 22,
  type_vocab_size: 1 << 16,
  max_position_embeddings: 1 << 24,
  n_positions: 1 << 24,
  local_attention: 1 << 24,
};

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Reads a Hugging Face config.json generally: typed getters with defaults, alias keys
 * (GPT-2 spells `hidden_size` as `n_embd`), clear typed errors for missing or ill-typed
 * values, and a record of which keys were read so unknown ones can be reported instead
 * of silently ignored.
 */
export class ConfigReader {
  private readonly values: Readonly<Record<string, unknown>>;
  private readonly consumed = new Set<string>();

  /** @param source shown in errors and warnings, e.g. the config.json path or `'llama config'` */
  constructor(
    raw: unknown,
    readonly source: string,
  ) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckpointError(source, `config must be a JSON object, got ${describe(raw)}`);
    this.values = raw as Record<string, unknown>;
  }

  /** Marks keys as read without using them (they are known and do not change inference). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.consumed.add(key);
  }

  /** True when any of `keys` is present with a non-null value. */
  has(...keys: string[]): boolean {
    return keys.some((key) => this.values[key] !== undefined && this.values[key] !== null);
  }

  /** The first present (non-null) value among alias keys, marking all of them read. */
  raw(keys: string | readonly string[]): { key: string; value: unknown } | undefined {
    const list = typeof keys === 'string' ? [keys] : keys;
    for (const key of list) this.consumed.add(key);
    for (const key of list) {
      const value = this.values[key];
      if (value !== undefined && value !== null) return { key, value };
    }
    return undefined;
  }

  private missing(keys: string | readonly string[]): never {
    const list = typeof keys === 'string' ? [keys] : keys;
    throw new CheckpointError(this.source, `missing required key ${list.map((key) => `'${key}'`).join(' or ')}`);
  }

  private bad(key: string, value: unknown, expected: string): never {
    throw new CheckpointError(this.source, `${key} = ${describe(value)} is invalid (expected ${expected})`);
  }

  /** A number; `fallback` when absent, an error when absent without fallback. */
  number(keys: string | readonly string[], fallback?: number): number {
    const found = this.raw(keys);
    if (!found) return fallback ?? this.missing(keys);
    if (typeof found.value !== 'number' || !Number.isFinite(found.value)) this.bad(found.key, found.value, 'a finite number');
    return found.value;
  }

  /** A positive number (epsilons, rope thetas). */
  positiveNumber(keys: string | readonly string[], fallback?: number): number {
    const value = this.number(keys, fallback);
    if (!(value > 0)) this.bad(typeof keys === 'string' ? keys : (keys[0] ?? ''), value, 'a number > 0');
    return value;
  }

  /** An integer ≥ `min` (default 1), and at most `CONFIG_INTEGER_LIMITS` for a structural size. */
  integer(keys: string | readonly string[], fallback?: number, min = 1): number {
    const value = this.number(keys, fallback);
    const key = this.raw(keys)?.key ?? (typeof keys === 'string' ? keys : (keys[0] ?? ''));
    const max = CONFIG_INTEGER_LIMITS[key];
    if (!Number.isInteger(value) || value < min) this.bad(key, value, max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);
    if (max !== undefined && value > max) this.bad(key, value, `an integer from ${min} to ${max}`);
    return value;
  }

  /** An integer or null when absent/null (token ids, optional sizes). */
  optionalInteger(keys: string | readonly string[], min = 0): number | null {
    return this.has(...(typeof keys === 'string' ? [keys] : keys)) ? this.integer(keys, undefined, min) : (this.raw(keys), null);
  }

  /** A number or null when absent/null. */
  optionalNumber(keys: string | readonly string[]): number | null {
    return this.has(...(typeof keys === 'string' ? [keys] : keys)) ? this.number(keys) : (this.raw(keys), null);
  }

  /**
   * A key where an explicit `null` means something other than leaving it out (ModernBERT's
   * `local_rope_theta`: absent is transformers' default, null is "same as global"): the number
   * when set, `null` when set to null, `fallback` when the key is absent.
   */
  numberOrNull(key: string, fallback: number): number | null {
    if (key in this.values && this.values[key] === null) {
      this.consumed.add(key);
      return null;
    }
    return this.number(key, fallback);
  }

  boolean(keys: string | readonly string[], fallback: boolean): boolean {
    const found = this.raw(keys);
    if (!found) return fallback;
    if (typeof found.value !== 'boolean') this.bad(found.key, found.value, 'true or false');
    return found.value;
  }

  string(keys: string | readonly string[], fallback?: string): string {
    const found = this.raw(keys);
    if (!found) return fallback ?? this.missing(keys);
    if (typeof found.value !== 'string') this.bad(found.key, found.value, 'a string');
    return found.value;
  }

  /** A string that must be one of `allowed`; anything else is an `UnsupportedConfigError`. */
  choice<T extends string>(keys: string | readonly string[], allowed: readonly T[], fallback?: T): T {
    const found = this.raw(keys);
    if (!found) return fallback ?? this.missing(keys);
    if (typeof found.value !== 'string' || !(allowed as readonly string[]).includes(found.value)) {
      throw new UnsupportedConfigError(this.source, found.key, found.value, allowed.join(', '));
    }
    return found.value as T;
  }

  /** Throws `UnsupportedConfigError` for a present value the implementation cannot honour. */
  unsupported(key: string, value: unknown, supported: string): never {
    throw new UnsupportedConfigError(this.source, key, value, supported);
  }

  /** Keys set (non-null) in the config that nothing read and that are not known to be inert. */
  unusedKeys(): string[] {
    return Object.keys(this.values).filter(
      (key) => this.values[key] !== null && !this.consumed.has(key) && !INERT_KEYS.has(key) && !INERT_PATTERNS.some((pattern) => pattern.test(key)),
    );
  }

  /** Wraps a typed config with one warning line per unused key. */
  finish<Config>(config: Config): ParsedConfig<Config> {
    const warnings = this.unusedKeys().map((key) => `${this.source}: ignoring unknown key '${key}' = ${describe(this.values[key])}`);
    return { config, warnings };
  }
}
