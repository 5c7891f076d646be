import { CheckpointError, type ARBackbone, type LanguageBackbone, type MLMBackbone } from '@maria-ts/core';
import { loadBackboneWithCheckpoint, loadCheckpointFiles, resolveModelDir, type ResolveModelDirOptions } from '@maria-ts/backbones';
import { MariaModel, buildProductOfExpertsHead } from '@maria-ts/fusion-head';

/** An AR and an MLM checkpoint, each a local directory or a Hugging Face model id (`owner/name`). */
export interface BackbonePairSource {
  readonly ar: string;
  readonly mlm: string;
}

/**
 * A MARIA model from two pretrained backbones and a product-of-experts head (ARCHITECTURE.md
 * §1.3: the mean of the two models' logits, before any training). Hub ids are downloaded
 * once into the cache (`resolveModelDir`). The shared tokenizer is the AR checkpoint's own
 * (else the MLM's); both must pair with it (`assertBackbonesShareTokenizer`: same vocabulary
 * and merges, or the same pieces at permuted ids), else a typed error names the first
 * difference. On any refusal nothing stays allocated.
 */
export async function loadBackbonePairModel(source: BackbonePairSource, options: ResolveModelDirOptions = {}): Promise<MariaModel> {
  const ar = await loadCheckpointFiles(await resolveModelDir(source.ar, options));
  const mlm = await loadCheckpointFiles(await resolveModelDir(source.mlm, options));
  const tokenizer = ar.tokenizer ?? mlm.tokenizer;
  if (!tokenizer) throw new CheckpointError(ar.dir, 'holds no tokenizer.json, and neither does the MLM checkpoint; MARIA needs their shared tokenizer');
  const loaded: LanguageBackbone[] = [];
  try {
    const arBackbone = (await loadBackboneWithCheckpoint(ar, { onWarning: () => undefined })).backbone;
    loaded.push(arBackbone);
    if (arBackbone.kind !== 'ar') throw new CheckpointError(ar.dir, `must be a causal (AR) checkpoint; ${arBackbone.info.family} is ${arBackbone.kind}`);
    const maskTokenId = (mlm.tokenizer ?? tokenizer).specialTokens.mask;
    const mlmBackbone = (await loadBackboneWithCheckpoint(mlm, { ...(maskTokenId !== undefined ? { maskTokenId } : {}), onWarning: () => undefined })).backbone;
    loaded.push(mlmBackbone);
    if (mlmBackbone.kind !== 'mlm') throw new CheckpointError(mlm.dir, `must be a masked (MLM) checkpoint; ${mlmBackbone.info.family} is ${mlmBackbone.kind}`);
    const own = { ...(ar.tokenizer ? { ar: ar.tokenizer } : {}), ...(mlm.tokenizer ? { mlm: mlm.tokenizer } : {}) };
    const head = buildProductOfExpertsHead(arBackbone as ARBackbone, mlmBackbone as MLMBackbone, tokenizer, own);
    const mlmTokenizer = mlm.tokenizer && mlm.tokenizer.fingerprint() !== tokenizer.fingerprint() ? mlm.tokenizer : undefined;
    return new MariaModel({ ar: arBackbone as ARBackbone, mlm: mlmBackbone as MLMBackbone, head, tokenizer, ...(mlmTokenizer ? { mlmTokenizer } : {}) });
  } catch (error) {
    loaded.forEach((backbone) => backbone.dispose());
    throw error;
  }
}
