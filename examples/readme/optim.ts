import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { AdamW, clipByGlobalNorm, warmupCosine } from '@maria-ts/optim';

await initEngine();
const w = tf.variable(tf.tensor1d([0, 0])); // fit w to [3, -1]: minimise |w - [3, -1]|²
const optimizer = new AdamW({ weightDecay: 0 });
const learningRate = warmupCosine({ peak: 0.1, warmupSteps: 10, totalSteps: 200 });
for (let step = 0; step < 200; step++) {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(w, [3, -1]))), [w]);
  const { gradients } = clipByGlobalNorm(grads, 1); // scaled to a global norm of at most 1
  optimizer.apply([w], gradients, learningRate(step));
  tf.dispose([value, ...Object.values(gradients)]);
}
console.log(Array.from(w.dataSync(), (x) => x.toFixed(3)).join(' '), optimizer.step);
tf.dispose(w);
optimizer.dispose();
