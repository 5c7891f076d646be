import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';

const engine = await initEngine(); // auto: native TensorFlow when installed, else wasm
const rng = new Rng(42); // every random draw in MARIA-TS comes from a seeded Rng
const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([rng.uniform(), 0]));
console.log(engine.name, sum.arraySync());
sum.dispose();
