import path from 'node:path';
import { type ARBackbone, CheckpointError, type LanguageBackbone, type MLMBackbone } from '@maria-ts/core';
import { type HuggingFaceTokenizer, loadBackboneWithCheckpoint, loadCheckpointFiles, loadTokenizer } from '@maria-ts/backbones';
import { assertBackbonesShareTokenizer, assertTokenizersPair, type BackboneTokenizers } from '@maria-ts/fusion-head';
import { DEFAULT_TOKENIZER_PATH } from '../tokenizer/load-tokenizer.js';
import { resolveBackboneSource } from './resolve-checkpoint.js';

/** Frozen backbones on one checked tokenizer, with where each came from. */
export interface BackbonePair {
  readonly ar: ARBackbone;
  readonly mlm: MLMBackbone;
  readonly diffusion?: MLMBackbone;
  /** The shared tokenizer: the head's vocabulary (the AR's). */
  readonly tokenizer: HuggingFaceTokenizer;
  /** Where the shared tokenizer came from: a tokenizer.json, or the folder holding it (its tokenizer_config.json sits beside it). */
  readonly tokenizerPath: string;
  /** The tokenizers found inside the backbones' checkpoints (for head building checks). */
  readonly own: BackboneTokenizers;
  /** The MLM's own tokenizer when it differs from the shared one (extra tokens): it frames the MLM input. */
  readonly mlmTokenizer?: HuggingFaceTokenizer;
  /** Resolved checkpoint directories, relative to the working directory where possible. */
  readonly sources: { readonly ar: string; readonly mlm: string; readonly diffusion?: string };
  dispose(): void;
}

/**
 * Loads an AR and an MLM checkpoint (and optionally a diffusion one) for MARIA: each may be a
 * checkpoint, a training run folder (its latest checkpoint) or a Hugging Face model id. The shared tokenizer is
 * `tokenizerPath` when given, else the AR checkpoint's own tokenizer.json (as Hugging Face
 * folders have), else the MLM's, else the embedded tiny tokenizer. Every checkpoint's own
 * tokenizer must pair with it (`assertTokenizersPair`: same base vocabulary and merges, the
 * head's ids the same tokens; extra added tokens such as ModernBERT's `[MASK]` are fine), or,
 * for the MLM, hold the same pieces and merges at permuted ids (`vocabularyMap`: the head is
 * then gathered through the map and the model translates the MLM's input), and the MLM's mask
 * id is its own tokenizer's. On any refusal nothing stays allocated.
 */
export async function loadBackbonePair(paths: { ar: string; mlm: string; diffusion?: string | undefined }, tokenizerPath?: string): Promise<BackbonePair> {
  const checkpoints = {
    ar: await loadCheckpointFiles(await resolveBackboneSource(paths.ar)),
    mlm: await loadCheckpointFiles(await resolveBackboneSource(paths.mlm)),
    diffusion: paths.diffusion ? await loadCheckpointFiles(await resolveBackboneSource(paths.diffusion)) : undefined,
  };
  const sharedFrom = tokenizerPath ?? (checkpoints.ar.tokenizer ? checkpoints.ar.dir : checkpoints.mlm.tokenizer ? checkpoints.mlm.dir : DEFAULT_TOKENIZER_PATH);
  const tokenizer = tokenizerPath === undefined && checkpoints.ar.tokenizer ? checkpoints.ar.tokenizer : await loadTokenizer(sharedFrom);
  const loaded: LanguageBackbone[] = [];
  const load = async (checkpoint: typeof checkpoints.ar, kind: 'ar' | 'mlm', role: string) => {
    // An MLM's [MASK] is its own tokenizer's; the shared tokenizer's only when it has none.
    const maskTokenId = (checkpoint.tokenizer ?? tokenizer).specialTokens.mask;
    const { backbone } = await loadBackboneWithCheckpoint(checkpoint, { ...(maskTokenId !== undefined ? { maskTokenId } : {}), onWarning: () => undefined });
    loaded.push(backbone);
    if (backbone.kind !== kind) throw new CheckpointError(checkpoint.dir, `--${role} must be ${kind === 'ar' ? 'a causal (AR)' : 'a masked (MLM)'} checkpoint; ${backbone.info.family} is ${backbone.kind}`);
    return { backbone, own: checkpoint.tokenizer, dir: path.relative(process.cwd(), path.resolve(checkpoint.dir)) || '.' };
  };
  try {
    const ar = await load(checkpoints.ar, 'ar', 'ar');
    const mlm = await load(checkpoints.mlm, 'mlm', 'mlm');
    const own = { ...(ar.own ? { ar: ar.own } : {}), ...(mlm.own ? { mlm: mlm.own } : {}) };
    assertBackbonesShareTokenizer(ar.backbone as ARBackbone, mlm.backbone as MLMBackbone, tokenizer, own);
    const diffusion = checkpoints.diffusion ? await load(checkpoints.diffusion, 'mlm', 'diffusion') : undefined;
    if (diffusion?.own) assertTokenizersPair(tokenizer, diffusion.own, 'the shared tokenizer', 'the diffusion backbone');
    return {
      ar: ar.backbone as ARBackbone,
      mlm: mlm.backbone as MLMBackbone,
      ...(diffusion ? { diffusion: diffusion.backbone as MLMBackbone } : {}),
      tokenizer,
      tokenizerPath: sharedFrom,
      own,
      ...(mlm.own && mlm.own.fingerprint() !== tokenizer.fingerprint() ? { mlmTokenizer: mlm.own } : {}),
      sources: { ar: ar.dir, mlm: mlm.dir, ...(diffusion ? { diffusion: diffusion.dir } : {}) },
      dispose: () => loaded.forEach((backbone) => backbone.dispose()),
    };
  } catch (error) {
    loaded.forEach((backbone) => backbone.dispose());
    throw error;
  }
}
