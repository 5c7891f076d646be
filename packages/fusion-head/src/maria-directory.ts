import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type ARBackbone, CheckpointError, InvalidArgumentError, type LanguageBackbone, type MLMBackbone, type Tokenizer, writeFileAtomic } from '@maria-ts/core';
import {
  type CheckpointContents,
  type CheckpointFiles,
  type HuggingFaceTokenizer,
  isDirectory,
  loadBackboneWithCheckpoint,
  loadCheckpointFiles,
  loadTokenizer,
  pathExists,
  readJsonFile,
  saveCheckpointFiles,
  SPECIAL_TOKEN_ROLES,
  type StoredDtype,
} from '@maria-ts/backbones';
import { assertBackbonesShareTokenizer } from './build-head.js';
import { backboneIdentity, type FusionHeadConfig, loadFusionHead, saveFusionHead } from './fusion-head-io.js';
import { FRACTION_GATE_FILE, loadFractionGate, saveFractionGate } from './fraction-gate.js';
import { MariaModel } from './maria-model.js';
import { assertTokenizersPair } from './tokenizer-compatibility.js';

/** The file that marks a MARIA directory and names its parts. */
export const MARIA_MANIFEST_FILE = 'maria.json';

/**
 * `maria.json`: where the parts of a MARIA directory are, relative to it. `ar`, `mlm` and
 * `diffusion` are Hugging Face checkpoint directories (`loadBackbone` reads each on its own),
 * `head` is a `saveFusionHead` directory, `tokenizer` the shared tokenizer.json (its
 * tokenizer_config.json, when present, sits beside it).
 */
export interface MariaManifest {
  readonly format: 'maria';
  readonly version: 1;
  readonly ar: string;
  readonly mlm: string;
  readonly head: string;
  readonly diffusion?: string;
  readonly tokenizer: string;
}

const DEFAULT_MANIFEST: MariaManifest = { format: 'maria', version: 1, ar: 'ar', mlm: 'mlm', head: 'head', tokenizer: 'tokenizer.json' };

/** True when `dir` has a maria.json. */
export async function isMariaDirectory(dir: string): Promise<boolean> {
  return pathExists(path.join(dir, MARIA_MANIFEST_FILE));
}

/** Reads and validates maria.json; a directory without one is a `CheckpointError` saying so. */
export async function readMariaManifest(dir: string): Promise<MariaManifest> {
  if (!(await isDirectory(dir))) throw new CheckpointError(dir, 'not a MARIA directory (does not exist or is not a directory)');
  const file = path.join(dir, MARIA_MANIFEST_FILE);
  if (!(await pathExists(file))) throw new CheckpointError(dir, `not a MARIA directory (no ${MARIA_MANIFEST_FILE}; create one with \`maria-train assemble\`)`);
  const raw = (await readJsonFile(file)) as Partial<Record<keyof MariaManifest, unknown>> | null;
  if (typeof raw !== 'object' || raw === null || raw.format !== 'maria') throw new CheckpointError(file, "not a MARIA manifest (format is not 'maria')");
  if (raw.version !== 1) throw new CheckpointError(file, `unsupported MARIA format version ${JSON.stringify(raw.version)} (this build reads 1)`);
  for (const key of ['ar', 'mlm', 'head', 'tokenizer'] as const) {
    if (typeof raw[key] !== 'string' || (raw[key] as string).length === 0) throw new CheckpointError(file, `${key} must name a path inside the directory`);
  }
  if (raw.diffusion !== undefined && typeof raw.diffusion !== 'string') throw new CheckpointError(file, 'diffusion must name a path inside the directory');
  for (const key of ['ar', 'mlm', 'head', 'tokenizer', 'diffusion'] as const) {
    const value = raw[key] as string | undefined;
    if (value !== undefined && (path.isAbsolute(value) || path.normalize(value).startsWith('..'))) throw new CheckpointError(file, `${key} must be a relative path inside the directory, got ${value}`);
  }
  return raw as unknown as MariaManifest;
}

/** A tokenizer_config.json naming the tokenizer's special tokens (null for absent roles, so loading resolves exactly the same ids). */
export function tokenizerConfigFor(tokenizer: Tokenizer): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const role of SPECIAL_TOKEN_ROLES) {
    const id = tokenizer.specialTokens[role];
    config[`${role}_token`] = id === undefined ? null : (tokenizer.idToToken(id) ?? null);
  }
  config.clean_up_tokenization_spaces = false;
  return config;
}

export interface SaveMariaModelOptions {
  /** Stored precision of the backbones and the head (default F32). */
  readonly dtype?: StoredDtype;
  /** tokenizer_config.json to write (default: derived from the tokenizer's special tokens). */
  readonly tokenizerConfig?: Readonly<Record<string, unknown>>;
  /** Labels recorded in the head config for the two backbones (e.g. their source paths). */
  readonly names?: { readonly ar?: string; readonly mlm?: string };
  /** How the head was trained, recorded in its config. */
  readonly training?: Readonly<Record<string, unknown>>;
}

type Exportable = LanguageBackbone & { toCheckpoint(): CheckpointContents };

function exportable(backbone: LanguageBackbone, role: string): Exportable {
  if (typeof (backbone as Partial<Exportable>).toCheckpoint !== 'function') throw new InvalidArgumentError(`${role} backbone`, backbone.info.family, 'a @maria-ts/backbones backbone (with toCheckpoint)');
  return backbone as Exportable;
}

/** Writes a backbone as a Hugging Face checkpoint, with its own tokenizer when it has one beside the shared one. */
async function writeBackbone(backbone: LanguageBackbone, role: string, dir: string, dtype: StoredDtype, ownTokenizer?: Tokenizer): Promise<void> {
  const { config, tensors } = exportable(backbone, role).toCheckpoint();
  const maskId = backbone.kind === 'mlm' ? { mask_token_id: (backbone as MLMBackbone).maskTokenId } : { bos_token_id: (backbone as ARBackbone).bosTokenId };
  const tokenizerJson = ownTokenizer ? (ownTokenizer as Partial<HuggingFaceTokenizer>).json : undefined;
  const tokenizer = ownTokenizer && tokenizerJson ? { tokenizerJson, tokenizerConfig: tokenizerConfigFor(ownTokenizer) } : {};
  await saveCheckpointFiles(dir, { config: { ...config, ...maskId }, tensors, dtype, ...tokenizer });
}

/** Content hash and identity of a backbone as a loader will see it (after dtype rounding). */
async function identityOnDisk(dir: string, name: string, maskTokenId: number | undefined) {
  const { backbone } = await loadBackboneWithCheckpoint(dir, { ...(maskTokenId !== undefined ? { maskTokenId } : {}), onWarning: () => undefined });
  try {
    return backboneIdentity(backbone, name);
  } finally {
    backbone.dispose();
  }
}

/**
 * Writes `model` as a MARIA directory (see `MariaManifest`): tokenizer.json (+
 * tokenizer_config.json, the AR's: the head's vocabulary), ar/, mlm/ (with the MLM's own
 * tokenizer when it differs), optional diffusion/ (Hugging Face checkpoints in `dtype`),
 * head/ (with the fraction gate, when the model has one) and maria.json. The head records the content hashes of the backbones *as written*
 * (they are re-read after rounding to `dtype`), so `loadMariaModel` can refuse a head paired
 * with other weights. Everything is written into a temporary sibling and renamed into place;
 * an existing MARIA directory at `dir` is replaced, any other non-empty directory is refused.
 */
export async function saveMariaModel(model: MariaModel, dir: string, options: SaveMariaModelOptions = {}): Promise<FusionHeadConfig> {
  const dtype = options.dtype ?? 'F32';
  const tokenizerJson = (model.tokenizer as Partial<HuggingFaceTokenizer>).json;
  if (tokenizerJson === undefined) throw new InvalidArgumentError('tokenizer', 'no tokenizer.json', 'a Hugging Face tokenizer (from loadTokenizer)');
  if (await pathExists(dir)) {
    if (!(await isDirectory(dir))) throw new CheckpointError(dir, 'exists and is not a directory');
    if (!(await isMariaDirectory(dir)) && (await readdir(dir)).length > 0) throw new CheckpointError(dir, 'is a non-empty directory that is not a MARIA directory; refusing to overwrite it');
  }
  const parent = path.dirname(path.resolve(dir));
  await mkdir(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(dir)}.${randomBytes(4).toString('hex')}.tmp`);
  const manifest: MariaManifest = { ...DEFAULT_MANIFEST, ...(model.diffusion ? { diffusion: 'diffusion' } : {}) };
  try {
    await mkdir(staging, { recursive: true });
    await writeFileAtomic(path.join(staging, manifest.tokenizer), JSON.stringify(tokenizerJson));
    await writeFileAtomic(path.join(staging, 'tokenizer_config.json'), `${JSON.stringify(options.tokenizerConfig ?? tokenizerConfigFor(model.tokenizer), null, 2)}\n`);
    await writeBackbone(model.ar, 'AR', path.join(staging, manifest.ar), dtype);
    await writeBackbone(model.mlm, 'MLM', path.join(staging, manifest.mlm), dtype, model.mlmTokenizer === model.tokenizer ? undefined : model.mlmTokenizer);
    if (model.diffusion && manifest.diffusion) await writeBackbone(model.diffusion, 'diffusion', path.join(staging, manifest.diffusion), dtype);
    const ar = await identityOnDisk(path.join(staging, manifest.ar), options.names?.ar ?? model.ar.info.family, undefined);
    const mlm = await identityOnDisk(path.join(staging, manifest.mlm), options.names?.mlm ?? model.mlm.info.family, model.maskTokenId);
    const config = await saveFusionHead(model.head, path.join(staging, manifest.head), { dtype, pairing: { ar, mlm, tokenizer: model.tokenizer }, ...(options.training ? { training: options.training } : {}) });
    if (model.gate) await saveFractionGate(model.gate, path.join(staging, manifest.head));
    await writeFileAtomic(path.join(staging, MARIA_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return config;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

export interface LoadMariaModelOptions {
  /** Receives loader warnings (unknown config keys, unused tensors). Default: dropped. */
  readonly onWarning?: (line: string) => void;
  /** Skip the diffusion encoder even when the directory has one (saves memory). */
  readonly skipDiffusion?: boolean;
  /**
   * Use the head's fraction gate (`fraction-gate.json` in the head folder; opt-in, beyond the
   * paper: see `FractionGate`). Refused when the head has none. Default: plain MARIA, even
   * when the head has a gate.
   */
  readonly fractionGate?: boolean;
}

/**
 * A MARIA directory read into host memory: manifest, shared tokenizer and the backbones'
 * checkpoint files (config, weights as typed arrays, own tokenizer). No tensor exists yet,
 * so reading needs no engine and can run while `initEngine` starts (`buildMariaModel`
 * then creates the model).
 */
export interface MariaDirectoryFiles {
  readonly dir: string;
  readonly manifest: MariaManifest;
  readonly tokenizer: HuggingFaceTokenizer;
  readonly ar: CheckpointFiles;
  readonly mlm: CheckpointFiles;
  /** Absent when the directory has none or `skipDiffusion` was set. */
  readonly diffusion?: CheckpointFiles;
}

/** Reads a MARIA directory into host memory (see `MariaDirectoryFiles`); typed errors as `loadMariaModel`. */
export async function readMariaDirectory(dir: string, options: Pick<LoadMariaModelOptions, 'skipDiffusion'> = {}): Promise<MariaDirectoryFiles> {
  const manifest = await readMariaManifest(dir);
  const tokenizer = await loadTokenizer(path.join(dir, manifest.tokenizer));
  const ar = await loadCheckpointFiles(path.join(dir, manifest.ar));
  const mlm = await loadCheckpointFiles(path.join(dir, manifest.mlm));
  const diffusion = manifest.diffusion && !options.skipDiffusion ? await loadCheckpointFiles(path.join(dir, manifest.diffusion)) : undefined;
  return { dir, manifest, tokenizer, ar, mlm, ...(diffusion ? { diffusion } : {}) };
}

/**
 * Creates the `MariaModel` of a directory read by `readMariaDirectory` (call `initEngine`
 * first), with the diffusion encoder when it was read. Refuses, with typed errors and nothing left allocated:
 * - backbones whose own tokenizer.json does not pair with the shared one (`TokenizerMismatchError`,
 *   see `assertTokenizersPair`; the MLM's extra tokens and its `[MASK]` are fine, and so are the
 *   same MLM tokens at permuted ids: the `vocabularyMap` is recomputed from both tokenizers);
 * - a head recorded for other backbone weights (`BackboneMismatchError`) or another tokenizer.
 */
export async function buildMariaModel(files: MariaDirectoryFiles, options: Pick<LoadMariaModelOptions, 'onWarning' | 'fractionGate'> = {}): Promise<MariaModel> {
  const { dir, manifest, tokenizer } = files;
  // The MLM's [MASK] is the MLM's: from its own tokenizer when mlm/ has one.
  const maskTokenId = (files.mlm.tokenizer ?? tokenizer).specialTokens.mask;
  const loaded: { dispose(): void }[] = [];
  const load = async (checkpoint: CheckpointFiles, kind: 'ar' | 'mlm', role: string) => {
    const { backbone } = await loadBackboneWithCheckpoint(checkpoint, { ...(maskTokenId !== undefined ? { maskTokenId } : {}), onWarning: options.onWarning ?? (() => undefined) });
    loaded.push(backbone);
    if (backbone.kind !== kind) throw new CheckpointError(checkpoint.dir, `the ${role} part must be ${kind === 'ar' ? 'a causal (AR)' : 'a masked (MLM)'} model; ${backbone.info.family} is ${backbone.kind}`);
    return { backbone, own: checkpoint.tokenizer };
  };
  try {
    const ar = await load(files.ar, 'ar', 'AR');
    const mlm = await load(files.mlm, 'mlm', 'MLM');
    assertBackbonesShareTokenizer(ar.backbone as ARBackbone, mlm.backbone as MLMBackbone, tokenizer, { ...(ar.own ? { ar: ar.own } : {}), ...(mlm.own ? { mlm: mlm.own } : {}) });
    const diffusion = files.diffusion ? await load(files.diffusion, 'mlm', 'diffusion') : undefined;
    if (diffusion?.own) assertTokenizersPair(tokenizer, diffusion.own, 'the shared tokenizer', 'the diffusion backbone');
    const { head } = await loadFusionHead(path.join(dir, manifest.head), { expect: { ar: ar.backbone, mlm: mlm.backbone, tokenizer } });
    loaded.push(head);
    const gate = options.fractionGate ? await loadFractionGate(path.join(dir, manifest.head)) : undefined;
    if (gate === null) throw new CheckpointError(path.join(dir, manifest.head), `no ${FRACTION_GATE_FILE}: this head has no fraction gate (train one with maria-train head --gate-only, or load it without the gate)`);
    if (gate) loaded.push(gate);
    return new MariaModel({
      ar: ar.backbone as ARBackbone,
      mlm: mlm.backbone as MLMBackbone,
      head,
      tokenizer,
      ...(mlm.own ? { mlmTokenizer: mlm.own } : {}),
      ...(diffusion ? { diffusion: diffusion.backbone as MLMBackbone } : {}),
      ...(gate ? { gate } : {}),
    });
  } catch (error) {
    for (const backbone of loaded) backbone.dispose();
    throw error;
  }
}

/**
 * Loads a MARIA directory into a `MariaModel` (call `initEngine` first): `readMariaDirectory`
 * then `buildMariaModel`. Refuses, with typed errors and nothing left allocated:
 * - a directory without maria.json (`CheckpointError`);
 * - backbones whose own tokenizer.json does not pair with the shared one (`TokenizerMismatchError`);
 * - a head recorded for other backbone weights (`BackboneMismatchError`) or another tokenizer.
 */
export async function loadMariaModel(dir: string, options: LoadMariaModelOptions = {}): Promise<MariaModel> {
  return buildMariaModel(await readMariaDirectory(dir, options), options);
}
