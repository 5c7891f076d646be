import { InvalidArgumentError, Rng } from '@maria-ts/core';
import { buildProductOfExpertsHead, buildRandomHead, type LinearFusionHead, loadFusionHead } from '@maria-ts/fusion-head';
import type { BackbonePair } from './load-backbone-pair.js';

/** How a head starts: the product of experts (ARCHITECTURE.md §1.3) or Figure 2's random baseline. */
export type HeadInitChoice = 'poe' | 'random';

/** Commander parser for `--init`. */
export function parseHeadInit(value: string): HeadInitChoice {
  if (value !== 'poe' && value !== 'random') throw new InvalidArgumentError('--init', value, "'poe' or 'random'");
  return value;
}

/**
 * The head a run starts from: a saved head directory (refused unless it was recorded for
 * exactly these backbones and tokenizer), or a fresh PoE / random head for the pair.
 */
export async function initialHead(pair: BackbonePair, options: { init: HeadInitChoice; seed: number; from?: string | undefined }): Promise<LinearFusionHead> {
  if (options.from !== undefined) {
    return (await loadFusionHead(options.from, { expect: { ar: pair.ar, mlm: pair.mlm, tokenizer: pair.tokenizer } })).head;
  }
  return options.init === 'poe'
    ? buildProductOfExpertsHead(pair.ar, pair.mlm, pair.tokenizer, pair.own)
    : buildRandomHead(pair.ar, pair.mlm, pair.tokenizer, new Rng(options.seed), pair.own);
}
