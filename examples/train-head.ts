import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { buildCorpus, initialHead, loadBackbonePair, openShards, trainHead } from '@maria-ts/trainer';

// Your text (one document per line; here this repository's README), the frozen AR and MLM
// checkpoints (folders, run folders or Hub ids) and their shared tokenizer; paths from the clone's root.
const [text, ar, mlm, tokenizer] = ['README.md', 'packages/model-tiny/assets/maria/ar', 'packages/model-tiny/assets/maria/mlm', 'packages/model-tiny/assets/tokenizer.json'];
const work = await mkdtemp(path.join(os.tmpdir(), 'maria-head-'));
await initEngine();
await buildCorpus({ inputs: [text], out: path.join(work, 'corpus'), tokenizer, sequenceLength: 32, validationFraction: 0.2, format: 'lines', seed: 1 });
const pair = await loadBackbonePair({ ar, mlm }, tokenizer);
const head = await initialHead(pair, { init: 'poe', seed: 0 }); // product-of-experts start
const shards = await openShards(path.join(work, 'corpus'), { tokenizer });
const trainer = { steps: 4, learningRate: 1e-3, warmupSteps: 1, evalEvery: 2, evalBatches: 1, checkpointEvery: 2, weightDecay: 0 };
const exportDir = path.join(work, 'maria'); // a MARIA directory: loadMaria(exportDir), maria infill --model
const result = await trainHead(pair, head, shards, { out: path.join(work, 'run'), batch: 4, init: 'poe', progress: false, trainer, exportDir });
console.log(`validation loss ${result.initialValidationLoss?.toFixed(3)} -> ${result.lastValidationLoss?.toFixed(3)}; MARIA directory ${exportDir}`);
[head, pair].forEach((part) => part.dispose());
shards.close();
