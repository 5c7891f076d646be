import path from 'node:path';
import { type FusionHead, InvalidArgumentError } from '@maria-ts/core';
import { pathExists, readJsonFile, type StoredDtype } from '@maria-ts/backbones';
import { type FractionGate, type FusionHeadConfig, MariaModel, saveMariaModel } from '@maria-ts/fusion-head';
import type { BackbonePair } from './load-backbone-pair.js';

/** Commander parser for `--dtype`. */
export function parseStoredDtype(value: string): StoredDtype {
  const upper = value.toUpperCase();
  if (upper !== 'F32' && upper !== 'F16' && upper !== 'BF16') throw new InvalidArgumentError('--dtype', value, 'F32, F16 or BF16');
  return upper;
}

/**
 * Writes a MARIA directory from loaded backbones and a head: the shared (AR's) tokenizer, and
 * the MLM's own beside its weights when it has extra tokens. The tokenizer_config.json beside
 * the shared tokenizer.json is copied when there is one (it names the special tokens), and
 * the backbones are labelled by their checkpoint paths in the head's config; a fraction `gate`
 * is written beside the head. The pair, the head and the gate stay owned by the caller.
 */
export async function exportMariaDirectory(pair: BackbonePair, head: FusionHead, options: { out: string; dtype: StoredDtype; training?: Record<string, unknown>; gate?: FractionGate }): Promise<FusionHeadConfig> {
  const configFile = path.join((await isDirectoryPath(pair.tokenizerPath)) ? pair.tokenizerPath : path.dirname(pair.tokenizerPath), 'tokenizer_config.json');
  const tokenizerConfig = (await pathExists(configFile)) ? ((await readJsonFile(configFile)) as Record<string, unknown>) : undefined;
  // A view over borrowed parts: not disposed here.
  const model = new MariaModel({
    ar: pair.ar,
    mlm: pair.mlm,
    head,
    tokenizer: pair.tokenizer,
    ...(pair.mlmTokenizer ? { mlmTokenizer: pair.mlmTokenizer } : {}),
    ...(pair.diffusion ? { diffusion: pair.diffusion } : {}),
    ...(options.gate ? { gate: options.gate } : {}),
  });
  return saveMariaModel(model, options.out, {
    dtype: options.dtype,
    names: { ar: pair.sources.ar, mlm: pair.sources.mlm },
    ...(tokenizerConfig ? { tokenizerConfig } : {}),
    ...(options.training ? { training: options.training } : {}),
  });
}

async function isDirectoryPath(file: string): Promise<boolean> {
  return pathExists(path.join(file, 'tokenizer.json'));
}
