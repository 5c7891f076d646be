import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';

await initEngine();
// A random GPT-2 from a config; loadBackbone(dirOrHubId) reads a Hugging Face checkpoint instead.
const config = { n_embd: 32, n_layer: 2, n_head: 2, vocab_size: 100, n_positions: 64 };
const gpt2 = createBackbone('gpt2', config, { seed: 1 });
const { hidden } = gpt2.forward(tf.tensor2d([[5, 6, 7]], undefined, 'int32'));
console.log(gpt2.info.family, hidden.shape); // hidden: the input of the vocabulary projection
gpt2.dispose();
