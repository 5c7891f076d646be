import path from 'node:path';
import { type ARBackbone, CheckpointError, type LanguageBackbone, type MLMBackbone } from '@maria-ts/core';
import { type HuggingFaceTokenizer, loadBackboneWithCheckpoint, loadTokenizer } from '@maria-ts/backbones';
import { assertBackbonesShareTokenizer, assertSameTokenizer, type BackboneTokenizers } from '@maria-ts/fusion-head';
import { resolveCheckpointDir } from './resolve-checkpoint.js';

/** Frozen backbones on one checked tokenizer, with where each came from. */
export interface BackbonePair {
  readonly ar: ARBackbone;
  readonly mlm: MLMBackbone;
  readonly diffusion?: MLMBackbone;
  readonly tokenizer: HuggingFaceTokenizer;
  /** The tokenizers found inside the backbones' checkpoints (for head building checks). */
  readonly own: BackboneTokenizers;
  /** Resolved checkpoint directories, relative to the working directory where possible. */
  readonly sources: { readonly ar: string; readonly mlm: string; readonly diffusion?: string };
  dispose(): void;
}

/**
 * Loads an AR and an MLM checkpoint (and optionally a diffusion one) for MARIA: each path may
 * be a checkpoint or a training run folder (its latest checkpoint). The shared tokenizer is
 * `tokenizerPath`; every checkpoint's own tokenizer must equal it (vocab and merges), and the
 * kinds must be right. On any refusal nothing stays allocated.
 */
export async function loadBackbonePair(paths: { ar: string; mlm: string; diffusion?: string | undefined }, tokenizerPath: string): Promise<BackbonePair> {
  const tokenizer = await loadTokenizer(tokenizerPath);
  const maskTokenId = tokenizer.specialTokens.mask;
  const loaded: LanguageBackbone[] = [];
  const load = async (given: string, kind: 'ar' | 'mlm', role: string) => {
    const dir = await resolveCheckpointDir(given);
    const { backbone, checkpoint } = await loadBackboneWithCheckpoint(dir, { ...(maskTokenId !== undefined ? { maskTokenId } : {}), onWarning: () => undefined });
    loaded.push(backbone);
    if (backbone.kind !== kind) throw new CheckpointError(dir, `--${role} must be ${kind === 'ar' ? 'a causal (AR)' : 'a masked (MLM)'} checkpoint; ${backbone.info.family} is ${backbone.kind}`);
    return { backbone, own: checkpoint.tokenizer, dir: path.relative(process.cwd(), path.resolve(dir)) || '.' };
  };
  try {
    const ar = await load(paths.ar, 'ar', 'ar');
    const mlm = await load(paths.mlm, 'mlm', 'mlm');
    const own = { ...(ar.own ? { ar: ar.own } : {}), ...(mlm.own ? { mlm: mlm.own } : {}) };
    assertBackbonesShareTokenizer(ar.backbone as ARBackbone, mlm.backbone as MLMBackbone, tokenizer, own);
    const diffusion = paths.diffusion ? await load(paths.diffusion, 'mlm', 'diffusion') : undefined;
    if (diffusion?.own) assertSameTokenizer(diffusion.own, tokenizer, 'the diffusion backbone', 'the shared tokenizer');
    return {
      ar: ar.backbone as ARBackbone,
      mlm: mlm.backbone as MLMBackbone,
      ...(diffusion ? { diffusion: diffusion.backbone as MLMBackbone } : {}),
      tokenizer,
      own,
      sources: { ar: ar.dir, mlm: mlm.dir, ...(diffusion ? { diffusion: diffusion.dir } : {}) },
      dispose: () => loaded.forEach((backbone) => backbone.dispose()),
    };
  } catch (error) {
    loaded.forEach((backbone) => backbone.dispose());
    throw error;
  }
}
