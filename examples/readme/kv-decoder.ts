import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { infill, infillNBest } from '@maria-ts/kv-decoder';

await initEngine();
const model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 1 }); // any MariaModel
const request = { ids: [464, 0, 3332, 319, 262, 0, 13], masked: [1, 5] };
const sampled = await infill(model, request, { seed: 1, topP: 0.9 }); // Algorithm 1 on the KV cache
const best = await infillNBest(model, request, { nBest: 2 }); // the 2 most likely joint fills
console.log(sampled.filled.map((token) => token.logProb), best.map((fill) => fill.logProb));
model.dispose();
