/** Test helpers of @maria-ts/fusion-head: a small random MARIA for tests that need the whole stack. */
export { createRandomMariaModel, type RandomMariaModelOptions } from '../random-maria-model.js';
export { MONOREPO_TINY_TOKENIZER_DIR } from './tiny-tokenizer-path.js';
export { addTokenizerToken, permuteTokenizerIds } from './permuted-tokenizer.js';
export { createBannedIdPair, type BannedIdPair } from './banned-id-pair.js';
