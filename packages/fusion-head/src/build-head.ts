import { type ARBackbone, InvalidArgumentError, type MLMBackbone, type Rng, ShapeMismatchError, type Tokenizer } from '@maria-ts/core';
import { type LinearFusionHead, productOfExpertsHead, randomFusionHead } from './linear-fusion-head.js';
import { assertTokenizersPair } from './tokenizer-compatibility.js';
import { identityVocabularyMap, type VocabularyMap, vocabularyMap } from './vocabulary-map.js';

/** The tokenizers that came with each backbone's checkpoint, when they had one. */
export interface BackboneTokenizers {
  readonly ar?: Tokenizer;
  readonly mlm?: Tokenizer;
}

/**
 * Checks that an AR and an MLM backbone can share `tokenizer`, whose ids the head emits (the
 * AR's): the AR's own tokenizer (when known) pairs with it (same base vocabulary and merges,
 * every id of `tokenizer` the same token; extra added tokens are fine, see
 * `assertTokenizersPair`); the MLM's own tokenizer pairs with it or holds the same pieces and
 * merges at permuted ids (see `vocabularyMap`, whose map is returned: the identity when the
 * MLM has no tokenizer of its own); both vocab projections cover the ids they are read at
 * (padding beyond is fine); the AR's BOS is one of its ids; and the MLM's mask id, which may
 * be one of the MLM's extra tokens (ModernBERT's `[MASK]`), is a row of the MLM.
 */
export function assertBackbonesShareTokenizer(ar: ARBackbone, mlm: MLMBackbone, tokenizer: Tokenizer, own: BackboneTokenizers = {}): VocabularyMap {
  if (own.ar) assertTokenizersPair(tokenizer, own.ar, 'the shared tokenizer', 'the AR backbone');
  const map = own.mlm ? vocabularyMap(tokenizer, own.mlm, 'the shared tokenizer', 'the MLM backbone') : identityVocabularyMap(tokenizer.vocabSize);
  const mlmRows = map.identity ? tokenizer.vocabSize : map.toOther.reduce((most, row) => Math.max(most, row + 1), 0);
  for (const [role, backbone, rows] of [['AR', ar, tokenizer.vocabSize], ['MLM', mlm, mlmRows]] as const) {
    if (backbone.info.vocabSize < rows) {
      throw new ShapeMismatchError(`${role} vocab projection (fewer rows than the tokenizer's ${rows} ids)`, [backbone.info.vocabSize], [rows]);
    }
  }
  if (!(ar.bosTokenId >= 0 && ar.bosTokenId < tokenizer.vocabSize)) throw new InvalidArgumentError('AR BOS id', ar.bosTokenId, `an id of the tokenizer (< ${tokenizer.vocabSize})`);
  if (!(mlm.maskTokenId >= 0 && mlm.maskTokenId < mlm.info.vocabSize)) throw new InvalidArgumentError('MLM mask id', mlm.maskTokenId, `a row of the MLM's vocabulary (< ${mlm.info.vocabSize})`);
  return map;
}

/**
 * The product-of-experts head for a backbone pair (ARCHITECTURE.md §1.3), after checking that they
 * share `tokenizer`. Padded vocab rows beyond the tokenizer are dropped; when the MLM's own
 * tokenizer holds the same tokens at permuted ids, its rows are gathered through the
 * `vocabularyMap` (the `MariaModel` built on these tokenizers bans the ids the MLM lacks).
 */
export function buildProductOfExpertsHead(ar: ARBackbone, mlm: MLMBackbone, tokenizer: Tokenizer, own: BackboneTokenizers = {}): LinearFusionHead {
  const map = assertBackbonesShareTokenizer(ar, mlm, tokenizer, own);
  return productOfExpertsHead(ar.outputProjection(), mlm.outputProjection(), tokenizer.vocabSize, map.identity ? undefined : map.toOther);
}

/** A random head (Figure 2's baseline) for a backbone pair, with the same checks. */
export function buildRandomHead(ar: ARBackbone, mlm: MLMBackbone, tokenizer: Tokenizer, rng: Rng, own: BackboneTokenizers = {}): LinearFusionHead {
  assertBackbonesShareTokenizer(ar, mlm, tokenizer, own);
  return randomFusionHead({ vocabSize: tokenizer.vocabSize, arHiddenSize: ar.info.hiddenSize, mlmHiddenSize: mlm.info.hiddenSize }, rng);
}
