import { initEngine, type ARBackbone, type MLMBackbone } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { productOfExpertsHead } from '@maria-ts/fusion-head';

await initEngine();
const common = { hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 64, vocab_size: 100 };
const ar = createBackbone('llama', common, { seed: 1 }) as ARBackbone;
const mlm = createBackbone('bert', common, { seed: 2, maskTokenId: 3 }) as MLMBackbone;
const head = productOfExpertsHead(ar.outputProjection(), mlm.outputProjection(), 100); // W3 = [W_AR/2, W_MLM/2]
console.log(head.vocabSize, ar.info.hiddenSize + mlm.info.hiddenSize);
[ar, mlm, head].forEach((part) => part.dispose());
