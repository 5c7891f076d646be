import * as tf from '@tensorflow/tfjs';
import { Rng } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { loadTinyMaria } from '@maria-ts/model-tiny';
import { architecturePresets, headTrainingTask, objectives, type TokenBatch, type TrainingTask } from '@maria-ts/trainer';
import { medianSeconds } from '../ops/timing.js';

/** One timed training step, in tokens (batch × length) per second. */
export interface TrainingStepRow {
  readonly op: 'pretrain-step-tiny-llama-ar' | 'head-step-tiny-maria';
  readonly batch: number;
  readonly length: number;
  readonly tokensPerSecond: number;
  readonly secondsPerRun: number;
}

export interface TrainingStepOptions {
  readonly batch: number;
  readonly length: number;
  readonly repeats: number;
  readonly warmup: number;
  readonly seed?: number;
}

function randomBatch(rng: Rng, batch: number, length: number, vocabSize: number): TokenBatch {
  return { ids: Int32Array.from({ length: batch * length }, () => rng.int(vocabSize)), batch, length };
}

/** Median seconds of one Adam step of `task` on `batch`: `prepare` (untaped) and the taped loss, as the trainer runs them. */
async function timeStep<P>(task: TrainingTask<P>, batch: TokenBatch, rng: Rng, options: TrainingStepOptions): Promise<number> {
  const optimizer = tf.train.adam(1e-4);
  try {
    return await medianSeconds(() => {
      const prepared = task.prepare?.(batch, rng);
      const loss = optimizer.minimize(() => task.loss(batch, rng, prepared), true, [...task.variables]);
      loss?.dataSync();
      loss?.dispose();
      if (prepared) tf.dispose(prepared as unknown as tf.TensorContainer);
    }, { warmup: options.warmup, repeats: options.repeats });
  } finally {
    optimizer.dispose();
  }
}

/**
 * A pretraining step (the `tiny-llama` preset, AR objective, 8192-word vocabulary) and a
 * MARIA head-training step (the embedded tiny model: both backbones frozen and run in
 * `prepare`, only W3 and b3 trained), on the engine already started in this process. The
 * same shapes on every engine make the rows comparable as ratios.
 */
export async function runTrainingSteps(options: TrainingStepOptions): Promise<TrainingStepRow[]> {
  const rng = new Rng(options.seed ?? 0);
  const tokens = options.batch * options.length;
  const rows: TrainingStepRow[] = [];
  const preset = architecturePresets.get('tiny-llama');
  const vocabSize = 8192;
  const backbone = createBackbone(preset.modelType, { ...preset.config, vocab_size: vocabSize }, { seed: options.seed ?? 0 });
  try {
    const seconds = await timeStep(objectives.get('ar')(backbone, {}), randomBatch(rng, options.batch, options.length, vocabSize), rng, options);
    rows.push({ op: 'pretrain-step-tiny-llama-ar', batch: options.batch, length: options.length, tokensPerSecond: Number((tokens / seconds).toFixed(1)), secondsPerRun: Number(seconds.toFixed(4)) });
  } finally {
    backbone.dispose();
  }
  const model = await loadTinyMaria();
  try {
    const batch = randomBatch(rng, options.batch, options.length, model.tokenizer.vocabSize);
    const seconds = await timeStep(headTrainingTask(model), batch, rng, options);
    rows.push({ op: 'head-step-tiny-maria', batch: options.batch, length: options.length, tokensPerSecond: Number((tokens / seconds).toFixed(1)), secondsPerRun: Number(seconds.toFixed(4)) });
  } finally {
    model.dispose();
  }
  return rows;
}
