import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { generate, mariaResampler } from '@maria-ts/annealer';

await initEngine();
const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 1 }); // any MariaModel
const result = await generate(model, { length: 8, iterations: 2, seed: 3, resampler: mariaResampler(model) });
console.log(result.tokens.length, result.temperatures);
model.dispose();
