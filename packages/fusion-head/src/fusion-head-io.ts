import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type BackboneInfo, CheckpointError, type FusionHead, type LanguageBackbone, type Tokenizer, TokenizerMismatchError } from '@maria-ts/core';
import { describeNonFinite, indexOfNonFinite, pathExists, readJsonFile, readSafetensors, type StoredDtype, writeSafetensors, writeTextFileAtomic } from '@maria-ts/backbones';
import { BackboneMismatchError } from './errors.js';
import { type FusionHeadInit, LinearFusionHead } from './linear-fusion-head.js';

/** File names inside a head directory. */
export const HEAD_WEIGHTS_FILE = 'model.safetensors';
export const HEAD_CONFIG_FILE = 'config.json';
const HEAD_FORMAT = 'maria-fusion-head';
const HEAD_VERSION = 1;
const TENSOR_NAMES = { arWeight: 'fusion.ar_weight', mlmWeight: 'fusion.mlm_weight', bias: 'fusion.bias' } as const;

/** Which backbone a head was built for: enough to refuse any other. */
export interface BackboneIdentity {
  /** A label for people (a checkpoint path or model name); not compared. */
  readonly name: string;
  readonly family: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  /** `BackboneInfo.contentHash` of the weights, or null when the backbone has none (then not compared). */
  readonly contentHash: string | null;
}

/** The head's config.json. */
export interface FusionHeadConfig {
  readonly format: typeof HEAD_FORMAT;
  readonly version: typeof HEAD_VERSION;
  readonly vocabSize: number;
  readonly arHiddenSize: number;
  readonly mlmHiddenSize: number;
  readonly init: FusionHeadInit;
  readonly dtype: StoredDtype;
  readonly ar: BackboneIdentity;
  readonly mlm: BackboneIdentity;
  readonly tokenizer: { readonly fingerprint: string; readonly vocabSize: number };
  /** Free-form record of how the head was trained (steps, data, losses), when it was. */
  readonly training?: Readonly<Record<string, unknown>>;
}

/** What a head is saved against: the two backbones and the shared tokenizer. */
export interface FusionHeadPairing {
  readonly ar: BackboneIdentity;
  readonly mlm: BackboneIdentity;
  readonly tokenizer: Tokenizer;
}

/** The identity of a backbone as a head records it. */
export function backboneIdentity(backbone: Pick<LanguageBackbone, 'info'>, name: string = backbone.info.family): BackboneIdentity {
  const info: BackboneInfo = backbone.info;
  return { name, family: info.family, vocabSize: info.vocabSize, hiddenSize: info.hiddenSize, contentHash: info.contentHash ?? null };
}

export interface SaveFusionHeadOptions {
  readonly dtype?: StoredDtype;
  readonly pairing: FusionHeadPairing;
  /** Overrides the head's own `init` (e.g. for heads built from raw tensors). */
  readonly init?: FusionHeadInit;
  readonly training?: Readonly<Record<string, unknown>>;
}

/**
 * Writes a head directory: `model.safetensors` (W_AR [d_AR, V], W_MLM [d_MLM, V], b3 [V]) and
 * `config.json` (sizes, init kind, dtype, and the identities of the backbones and tokenizer it
 * belongs to). Both files are written atomically, weights first, so a config never describes
 * weights that are not there.
 */
export async function saveFusionHead(head: FusionHead, dir: string, options: SaveFusionHeadOptions): Promise<FusionHeadConfig> {
  const dtype = options.dtype ?? 'F32';
  const { pairing } = options;
  if (pairing.ar.hiddenSize !== head.arHiddenSize || pairing.mlm.hiddenSize !== head.mlmHiddenSize) {
    throw new CheckpointError(dir, `head widths [${head.arHiddenSize}, ${head.mlmHiddenSize}] do not match the backbones' hidden sizes [${pairing.ar.hiddenSize}, ${pairing.mlm.hiddenSize}]`);
  }
  if (pairing.tokenizer.vocabSize !== head.vocabSize) throw new CheckpointError(dir, `head vocab ${head.vocabSize} differs from the tokenizer's ${pairing.tokenizer.vocabSize} ids`);
  const variables = head.variables();
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const key of ['arWeight', 'mlmWeight', 'bias'] as const) {
    tensors.set(TENSOR_NAMES[key], { shape: variables[key].shape, data: variables[key].dataSync() as Float32Array });
  }
  const config: FusionHeadConfig = {
    format: HEAD_FORMAT,
    version: HEAD_VERSION,
    vocabSize: head.vocabSize,
    arHiddenSize: head.arHiddenSize,
    mlmHiddenSize: head.mlmHiddenSize,
    init: options.init ?? (head instanceof LinearFusionHead ? head.init : 'unknown'),
    dtype,
    ar: pairing.ar,
    mlm: pairing.mlm,
    tokenizer: { fingerprint: pairing.tokenizer.fingerprint(), vocabSize: pairing.tokenizer.vocabSize },
    ...(options.training ? { training: options.training } : {}),
  };
  await mkdir(dir, { recursive: true });
  await writeSafetensors(path.join(dir, HEAD_WEIGHTS_FILE), tensors, { dtype, metadata: { format_maria: HEAD_FORMAT } });
  await writeTextFileAtomic(path.join(dir, HEAD_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** Reads and validates a head's config.json. */
export async function readFusionHeadConfig(dir: string): Promise<FusionHeadConfig> {
  const file = path.join(dir, HEAD_CONFIG_FILE);
  if (!(await pathExists(file))) throw new CheckpointError(dir, `not a fusion head directory (no ${HEAD_CONFIG_FILE})`);
  const raw = (await readJsonFile(file)) as Partial<FusionHeadConfig> | null;
  if (typeof raw !== 'object' || raw === null || raw.format !== HEAD_FORMAT) throw new CheckpointError(file, `not a fusion head config (format is not '${HEAD_FORMAT}')`);
  if (raw.version !== HEAD_VERSION) throw new CheckpointError(file, `unsupported head format version ${JSON.stringify(raw.version)} (this build reads ${HEAD_VERSION})`);
  for (const key of ['vocabSize', 'arHiddenSize', 'mlmHiddenSize'] as const) {
    if (!Number.isSafeInteger(raw[key]) || (raw[key] as number) < 1) throw new CheckpointError(file, `${key} must be a positive integer`);
  }
  for (const role of ['ar', 'mlm'] as const) {
    const identity = raw[role];
    if (typeof identity !== 'object' || identity === null || typeof identity.family !== 'string' || !(identity.contentHash === null || typeof identity.contentHash === 'string')) {
      throw new CheckpointError(file, `${role} must record the backbone's family and contentHash`);
    }
  }
  if (typeof raw.tokenizer?.fingerprint !== 'string') throw new CheckpointError(file, 'tokenizer.fingerprint is missing');
  return raw as FusionHeadConfig;
}

/**
 * Refuses a head whose recorded backbones or tokenizer are not the ones given: content hashes
 * (when both sides have one), hidden sizes, the head's vocabulary against the tokenizer's ids
 * (a head over other ids scores the wrong tokens) and the tokenizer fingerprint are compared.
 */
export function assertHeadPairing(config: FusionHeadConfig, dir: string, ar: Pick<LanguageBackbone, 'info'>, mlm: Pick<LanguageBackbone, 'info'>, tokenizer: Tokenizer): void {
  for (const [role, recorded, backbone] of [['AR', config.ar, ar], ['MLM', config.mlm, mlm]] as const) {
    if (recorded.contentHash !== null && recorded.contentHash !== backbone.info.contentHash) throw new BackboneMismatchError(role, dir, recorded.contentHash, backbone.info.contentHash);
    const width = role === 'AR' ? config.arHiddenSize : config.mlmHiddenSize;
    if (width !== backbone.info.hiddenSize) throw new CheckpointError(dir, `the head reads ${role} states of width ${width}, the ${role} backbone has ${backbone.info.hiddenSize}`);
  }
  if (config.vocabSize !== tokenizer.vocabSize) {
    throw new TokenizerMismatchError(`the fusion head at ${dir}`, 'the tokenizer it is loaded with', `the head has ${config.vocabSize} vocabulary rows, the tokenizer ${tokenizer.vocabSize} ids`);
  }
  if (config.tokenizer.fingerprint !== tokenizer.fingerprint()) {
    throw new TokenizerMismatchError(`the fusion head at ${dir}`, 'the tokenizer it is loaded with', `fingerprints ${config.tokenizer.fingerprint.slice(0, 12)} vs ${tokenizer.fingerprint().slice(0, 12)}`);
  }
}

/** What `loadFusionHead` checks the head against; omit to load without checking. */
export interface LoadFusionHeadOptions {
  readonly expect?: { readonly ar: Pick<LanguageBackbone, 'info'>; readonly mlm: Pick<LanguageBackbone, 'info'>; readonly tokenizer: Tokenizer };
}

/**
 * Loads a head directory written by `saveFusionHead`, as trainable float32 variables. With
 * `expect`, refuses (typed errors) a head recorded for other backbones or another tokenizer.
 */
export async function loadFusionHead(dir: string, options: LoadFusionHeadOptions = {}): Promise<{ head: LinearFusionHead; config: FusionHeadConfig }> {
  const config = await readFusionHeadConfig(dir);
  if (options.expect) assertHeadPairing(config, dir, options.expect.ar, options.expect.mlm, options.expect.tokenizer);
  const file = path.join(dir, HEAD_WEIGHTS_FILE);
  if (!(await pathExists(file))) throw new CheckpointError(dir, `the head has no ${HEAD_WEIGHTS_FILE}`);
  const tensors = await readSafetensors(file, { names: Object.values(TENSOR_NAMES) });
  const expected = {
    arWeight: [config.arHiddenSize, config.vocabSize],
    mlmWeight: [config.mlmHiddenSize, config.vocabSize],
    bias: [config.vocabSize],
  } as const;
  const host = (key: keyof typeof TENSOR_NAMES) => {
    const tensor = tensors.get(TENSOR_NAMES[key]);
    if (!tensor || tensor.shape.join(',') !== expected[key].join(',')) {
      throw new CheckpointError(file, `${TENSOR_NAMES[key]} has shape [${tensor?.shape.join(', ') ?? 'missing'}], config.json says [${expected[key].join(', ')}]`);
    }
    const bad = indexOfNonFinite(tensor.data);
    if (bad >= 0) throw new CheckpointError(file, `tensor '${TENSOR_NAMES[key]}' holds ${describeNonFinite(tensor.data[bad] as number)} at element ${bad}; the head is corrupt or its training diverged`);
    return tensor.data;
  };
  const head = new LinearFusionHead(
    tf.tensor2d(host('arWeight'), [config.arHiddenSize, config.vocabSize]),
    tf.tensor2d(host('mlmWeight'), [config.mlmHiddenSize, config.vocabSize]),
    tf.tensor1d(host('bias')),
    config.init,
  );
  return { head, config };
}
