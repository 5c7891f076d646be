import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { drawEvaluationMasks, mariaExactNll, pooledPerplexity } from '@maria-ts/eval';

await initEngine();
const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 1 }); // any MariaModel
const ids = [model.tokenizer.encode('The cat sat on the mat and looked out of the window.')];
const masks = drawEvaluationMasks(ids, { rate: 0.5, seed: 0 }); // exactly half the tokens
console.log(pooledPerplexity(mariaExactNll(model, { ids, masks }))); // exact masked perplexity
model.dispose();
