import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, Rng, embeddingLookup, initEngine, linear, meanSoftmaxCrossEntropy } from '@maria-ts/core';
import { MetricsLog } from './metrics-log.js';
import { runTraining } from './train-loop.js';
import type { BatchSource, TokenBatch, TrainingTask } from './training-task.js';

const VOCAB = 16;
let created = 0;
const WIDTH = 8;

/**
 * A bigram model over synthetic sequences (x_{t+1} = 3·x_t + 1 mod V with noise), with RNG-dependent
 * loss weights unless `weighted` is false (then the loss is a plain mean over every position).
 */
function toyTask(seed: number, weighted = true): TrainingTask & { dispose(): void } {
  const rng = new Rng(seed);
  const normal = (shape: [number, number]) => tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal(0, 0.1)), shape);
  const table = tf.variable(normal([VOCAB, WIDTH]), true, `toy-table-${created++}`);
  const out = tf.variable(normal([WIDTH, VOCAB]), true, `toy-out-${created++}`);
  return {
    variables: [table, out],
    loss(batch: TokenBatch, stepRng: Rng) {
      return tf.tidy(() => {
        const inputs: number[] = [];
        const targets: number[] = [];
        const weights: number[] = [];
        for (let row = 0; row < batch.batch; row++) {
          for (let t = 0; t + 1 < batch.length; t++) {
            inputs.push(batch.ids[row * batch.length + t] as number);
            targets.push(batch.ids[row * batch.length + t + 1] as number);
            weights.push(!weighted || stepRng.bernoulli(0.8) ? 1 : 0);
          }
        }
        const hidden = embeddingLookup(table, tf.tensor1d(inputs, 'int32'));
        const logits = linear(hidden, out) as tf.Tensor2D;
        return meanSoftmaxCrossEntropy(logits, tf.tensor1d(targets, 'int32'), tf.tensor1d(weights));
      });
    },
    dispose() {
      table.dispose();
      out.dispose();
    },
  };
}

/** One synthetic row of 6 tokens, a pure function of `seed`. */
function toyRow(seed: number): Int32Array {
  const rng = new Rng(seed);
  const ids = new Int32Array(6);
  let x = rng.int(VOCAB);
  for (let t = 0; t < 6; t++) {
    ids[t] = x;
    x = rng.bernoulli(0.9) ? (3 * x + 1) % VOCAB : rng.int(VOCAB);
  }
  return ids;
}

/** Step `s` sees rows `s·rowsPerStep …` in order, cut into `accumulation` micro-batches. */
function rowData(rowsPerStep: number, accumulation: number): BatchSource {
  const rows = rowsPerStep / accumulation;
  const make = (first: number): TokenBatch => {
    const ids = new Int32Array(rows * 6);
    for (let row = 0; row < rows; row++) ids.set(toyRow(first + row), row * 6);
    return { ids, batch: rows, length: 6 };
  };
  return { train: (step, micro) => make(step * rowsPerStep + micro * rows), validationBatches: 1, validation: () => make(-100) };
}

function toyData(): BatchSource {
  const make = (seed: number): TokenBatch => {
    const rng = new Rng(seed);
    const ids = new Int32Array(4 * 6);
    for (let row = 0; row < 4; row++) {
      let x = rng.int(VOCAB);
      for (let t = 0; t < 6; t++) {
        ids[row * 6 + t] = x;
        x = rng.bernoulli(0.9) ? (3 * x + 1) % VOCAB : rng.int(VOCAB);
      }
    }
    return { ids, batch: 4, length: 6 };
  };
  return { train: (step, micro) => make(1000 * step + micro), validationBatches: 2, validation: (index) => make(-1 - index) };
}

const baseOptions = { steps: 6, accumulation: 2, learningRate: 0.05, warmupSteps: 1, checkpointEvery: 3, evalEvery: 3, evalBatches: 2, seed: 5 };

describe('runTraining', () => {
  beforeAll(async () => {
    await initEngine({ engine: 'wasm' });
  });

  it('resumes after an interruption with exactly the losses of an uninterrupted run', async () => {
    const straightDir = await mkdtemp(path.join(tmpdir(), 'maria-train-'));
    const straightTask = toyTask(1);
    await runTraining(straightTask, toyData(), { outDir: straightDir, options: baseOptions, taskDescription: { toy: 1 } });
    const straight = await new MetricsLog(path.join(straightDir, 'metrics.jsonl')).read();

    const resumedDir = await mkdtemp(path.join(tmpdir(), 'maria-train-'));
    const first = toyTask(1);
    // "Crash" after 4 steps: step 4 is past the step-3 checkpoint and must be redone identically.
    const partial = await runTraining(first, toyData(), { outDir: resumedDir, options: baseOptions, taskDescription: { toy: 1 }, stopAfter: 4 });
    expect(partial.finalStep).toBe(4);
    const second = toyTask(1);
    const result = await runTraining(second, toyData(), { outDir: resumedDir, options: baseOptions, taskDescription: { toy: 1 }, resume: true });
    expect(result.resumedFrom).toBe(3);
    const resumed = await new MetricsLog(path.join(resumedDir, 'metrics.jsonl')).read();
    const strip = (records: typeof straight) => records.map(({ elapsedSeconds: _e, tokensPerSecond: _t, ...rest }) => rest);
    expect(strip(resumed)).toEqual(strip(straight));
    second.variables.forEach((variable, i) => expect(Array.from(variable.dataSync())).toEqual(Array.from(straightTask.variables[i]!.dataSync())));
    expect(await readdir(path.join(resumedDir, 'checkpoints'))).toEqual(['step-0000003', 'step-0000006']);
    expect((await readFile(path.join(resumedDir, 'loss.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    for (const task of [straightTask, first, second]) task.dispose();
  });

  it('refuses to resume with a changed learning rate or task', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'maria-train-'));
    const task = toyTask(2);
    await runTraining(task, toyData(), { outDir: dir, options: { ...baseOptions, steps: 3 }, taskDescription: { toy: 2 } });
    const changed = runTraining(task, toyData(), { outDir: dir, options: { ...baseOptions, steps: 3, learningRate: 0.1 }, taskDescription: { toy: 2 }, resume: true });
    await expect(changed).rejects.toSatisfy((error: unknown) => CheckpointError.isInstance(error) && /learningRate was 0.05, now 0.1/.test((error as Error).message));
    const otherTask = runTraining(task, toyData(), { outDir: dir, options: { ...baseOptions, steps: 3 }, taskDescription: { toy: 3 }, resume: true });
    await expect(otherTask).rejects.toThrow(/different task/);
    task.dispose();
  });

  it('accumulating k micro-batches gives the same updates as one batch k times larger (to 1e-6)', async () => {
    const options = { steps: 3, learningRate: 0.01, warmupSteps: 0, weightDecay: 0.1, clipNorm: 1e9, checkpointEvery: 3, evalEvery: 3, evalBatches: 1, seed: 9 };
    const weightsAfter = async (accumulation: number) => {
      const task = toyTask(4, false);
      const dir = await mkdtemp(path.join(tmpdir(), 'maria-train-'));
      await runTraining(task, rowData(12, accumulation), { outDir: dir, options: { ...options, accumulation }, taskDescription: { toy: 4 } });
      const values = task.variables.map((variable) => Array.from(variable.dataSync()));
      const losses = (await new MetricsLog(path.join(dir, 'metrics.jsonl')).read()).flatMap((record) => (record.loss === undefined ? [] : [record.loss]));
      task.dispose();
      return { values: values.flat(), losses };
    };
    const whole = await weightsAfter(1);
    const accumulated = await weightsAfter(3);
    const start = toyTask(4, false);
    const initial = start.variables.flatMap((variable) => Array.from(variable.dataSync()));
    start.dispose();
    // The runs moved the weights (by about lr per step), so agreeing to 1e-6 is not agreeing on nothing.
    expect(Math.max(...whole.values.map((value, index) => Math.abs(value - (initial[index] as number))))).toBeGreaterThan(1e-3);
    expect(accumulated.values).toHaveLength(whole.values.length);
    for (const [index, value] of whole.values.entries()) expect(Math.abs((accumulated.values[index] as number) - value)).toBeLessThan(1e-6);
    expect(accumulated.losses).toHaveLength(3);
    for (const [index, loss] of whole.losses.entries()) expect(accumulated.losses[index]).toBeCloseTo(loss, 5);
  });

  it('learns, and leaks no tensors over a run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'maria-train-'));
    const task = toyTask(3);
    const before = tf.memory().numTensors;
    const result = await runTraining(task, toyData(), {
      outDir: dir,
      options: { ...baseOptions, steps: 40, warmupSteps: 2, checkpointEvery: 40, evalEvery: 40 },
      taskDescription: { toy: 3 },
    });
    expect(tf.memory().numTensors).toBe(before);
    const records = await new MetricsLog(path.join(dir, 'metrics.jsonl')).read();
    const firstLoss = records[0]!.loss as number;
    expect(firstLoss).toBeCloseTo(Math.log(VOCAB), 0);
    expect(result.lastLoss).toBeLessThan(firstLoss * 0.6);
    task.dispose();
  });

  it('stops early on the validation loss, keeps the best variables, and resumes to the same stop', async () => {
    // One weight w from 0: training pulls it to 1, the validation loss (w − 0.3)² is lowest near 0.3.
    const makeTask = (): TrainingTask & { w: tf.Variable } => {
      const w = tf.variable(tf.zeros([1, 1]), true, `early-w-${created++}`);
      return {
        w,
        variables: [w],
        loss: (batch: TokenBatch) => tf.tidy(() => tf.sum(tf.square(tf.sub(w, batch.ids[0] === 1 ? 0.3 : 1))) as tf.Scalar),
      };
    };
    const data: BatchSource = { train: () => ({ ids: Int32Array.from([0]), batch: 1, length: 1 }), validationBatches: 1, validation: () => ({ ids: Int32Array.from([1]), batch: 1, length: 1 }) };
    const options = { steps: 40, learningRate: 0.1, warmupSteps: 0, finalLearningRateRatio: 1, weightDecay: 0, evalEvery: 1, checkpointEvery: 4, seed: 0 };
    const run = async (outDir: string, extra: { resume?: boolean; stopAfter?: number } = {}) => {
      const task = makeTask();
      const result = await runTraining(task, data, { outDir, options, taskDescription: { early: 1 }, evaluateAtStart: true, earlyStopping: { patience: 3 }, ...extra });
      const w = task.w.dataSync()[0] as number;
      task.w.dispose();
      return { result, w };
    };
    const dir = await mkdtemp(path.join(tmpdir(), 'early-'));
    const { result, w } = await run(dir);
    expect(result.best?.step).toBeGreaterThan(1);
    const passes = (await new MetricsLog(path.join(dir, 'metrics.jsonl')).read()).filter((r) => r.validationLoss !== undefined);
    const lowest = passes.reduce((a, b) => ((b.validationLoss as number) < (a.validationLoss as number) ? b : a));
    expect(result.stoppedEarly).toBe(true);
    expect(result.best).toEqual({ step: lowest.step, validationLoss: lowest.validationLoss, passesSince: 3 });
    expect(result.finalStep).toBe(lowest.step + 3 * options.evalEvery);
    expect(result.finalStep).toBeLessThan(options.steps);
    expect(passes.at(-1)?.step).toBe(result.finalStep);
    // The variables are the best pass's: (w − 0.3)² at the kept w is the lowest validation loss.
    expect((w - 0.3) ** 2).toBeCloseTo(lowest.validationLoss as number, 6);

    // Interrupted before the stop and resumed: the same best, the same stop, the same weights.
    const resumedDir = await mkdtemp(path.join(tmpdir(), 'early-resumed-'));
    await run(resumedDir, { stopAfter: lowest.step + 1 });
    const resumed = await run(resumedDir, { resume: true });
    expect(resumed.result.resumedFrom).toBeGreaterThan(0);
    expect(resumed.result.best).toEqual(result.best);
    expect(resumed.result.finalStep).toBe(result.finalStep);
    expect(resumed.w).toBe(w);
  });
});
