import { type ARBackbone, InvalidArgumentError, type MLMBackbone, type Rng, ShapeMismatchError, type Tokenizer } from '@maria-ts/core';
import { type LinearFusionHead, productOfExpertsHead, randomFusionHead } from './linear-fusion-head.js';
import { assertSameTokenizer } from './tokenizer-compatibility.js';

/** The tokenizers that came with each backbone's checkpoint, when they had one. */
export interface BackboneTokenizers {
  readonly ar?: Tokenizer;
  readonly mlm?: Tokenizer;
}

/**
 * Checks that an AR and an MLM backbone can share `tokenizer`: their own tokenizers (when
 * known) equal it (vocab and merges, see `assertSameTokenizer`); both vocab projections cover
 * its ids (padding beyond is fine); and the AR's BOS and the MLM's mask token are in it.
 */
export function assertBackbonesShareTokenizer(ar: ARBackbone, mlm: MLMBackbone, tokenizer: Tokenizer, own: BackboneTokenizers = {}): void {
  if (own.ar) assertSameTokenizer(own.ar, tokenizer, 'the AR backbone', 'the shared tokenizer');
  if (own.mlm) assertSameTokenizer(own.mlm, tokenizer, 'the MLM backbone', 'the shared tokenizer');
  for (const [role, backbone] of [['AR', ar], ['MLM', mlm]] as const) {
    if (backbone.info.vocabSize < tokenizer.vocabSize) {
      throw new ShapeMismatchError(`${role} vocab projection (fewer rows than the tokenizer's ${tokenizer.vocabSize} ids)`, [backbone.info.vocabSize], [tokenizer.vocabSize]);
    }
  }
  if (!(ar.bosTokenId >= 0 && ar.bosTokenId < tokenizer.vocabSize)) throw new InvalidArgumentError('AR BOS id', ar.bosTokenId, `an id of the tokenizer (< ${tokenizer.vocabSize})`);
  if (!(mlm.maskTokenId >= 0 && mlm.maskTokenId < tokenizer.vocabSize)) throw new InvalidArgumentError('MLM mask id', mlm.maskTokenId, `an id of the tokenizer (< ${tokenizer.vocabSize})`);
}

/**
 * The product-of-experts head for a backbone pair (ARCHITECTURE.md §1.3), after checking that they
 * share `tokenizer`. Padded vocab rows beyond the tokenizer are dropped.
 */
export function buildProductOfExpertsHead(ar: ARBackbone, mlm: MLMBackbone, tokenizer: Tokenizer, own: BackboneTokenizers = {}): LinearFusionHead {
  assertBackbonesShareTokenizer(ar, mlm, tokenizer, own);
  return productOfExpertsHead(ar.outputProjection(), mlm.outputProjection(), tokenizer.vocabSize);
}

/** A random head (Figure 2's baseline) for a backbone pair, with the same checks. */
export function buildRandomHead(ar: ARBackbone, mlm: MLMBackbone, tokenizer: Tokenizer, rng: Rng, own: BackboneTokenizers = {}): LinearFusionHead {
  assertBackbonesShareTokenizer(ar, mlm, tokenizer, own);
  return randomFusionHead({ vocabSize: tokenizer.vocabSize, arHiddenSize: ar.info.hiddenSize, mlmHiddenSize: mlm.info.hiddenSize }, rng);
}
