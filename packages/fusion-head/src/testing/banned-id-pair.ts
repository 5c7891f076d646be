import type { HuggingFaceTokenizer } from '@maria-ts/backbones';
import { buildProductOfExpertsHead } from '../build-head.js';
import { MariaModel } from '../maria-model.js';
import { addTokenizerToken, permuteTokenizerIds } from './permuted-tokenizer.js';
import { createRandomMariaModel } from '../random-maria-model.js';

/** A random MARIA whose MLM lacks one AR token, and how to free it. */
export interface BannedIdPair {
  readonly model: MariaModel;
  /** The AR-only token's id (`<|ar-only|>`), the one id the model bans. */
  readonly arOnly: number;
  dispose(): void;
}

/**
 * A small random MARIA on a pair whose MLM holds `tokenizer`'s tokens at permuted ids (40 and
 * 900 exchanged) and lacks one AR token, `<|ar-only|>` at the next id: the model bans that id.
 * For tests of what every consumer does with a banned id. The caller disposes it.
 */
export function createBannedIdPair(tokenizer: HuggingFaceTokenizer): BannedIdPair {
  const shared = addTokenizerToken(tokenizer, '<|ar-only|>');
  const mlmTokenizer = permuteTokenizerIds(tokenizer, [[40, 900]]);
  const arSide = createRandomMariaModel({ tokenizer: shared, seed: 3, hiddenSize: 16, numLayers: 1 });
  const mlmSide = createRandomMariaModel({ tokenizer: mlmTokenizer, seed: 4, hiddenSize: 8, numLayers: 1 });
  const head = buildProductOfExpertsHead(arSide.ar, mlmSide.mlm, shared, { mlm: mlmTokenizer });
  const model = new MariaModel({ ar: arSide.ar, mlm: mlmSide.mlm, head, tokenizer: shared, mlmTokenizer });
  return {
    model,
    arOnly: tokenizer.vocabSize,
    dispose: () => {
      head.dispose();
      arSide.dispose();
      mlmSide.dispose();
    },
  };
}
