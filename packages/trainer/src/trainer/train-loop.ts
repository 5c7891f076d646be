import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AbortedError, CheckpointError, Rng, log } from '@maria-ts/core';
import { AdamW, clipByGlobalNorm, warmupCosine } from '@maria-ts/optim';
import { writeLineChart } from '@maria-ts/eval';
import { CheckpointStore } from './checkpoint-store.js';
import { MetricsLog, type MetricsRecord } from './metrics-log.js';
import type { BatchSource, TokenBatch, TrainingTask } from './training-task.js';
import { RESUME_INVARIANT_KEYS, trainerOptionsSchema, type TrainerOptions, type TrainerOptionsInput } from './trainer-options.js';

export interface TrainRunOptions {
  readonly outDir: string;
  readonly options: TrainerOptionsInput;
  /** Describes the task (objective, model config); a resume with a different one is refused. */
  readonly taskDescription: Record<string, unknown>;
  /** Writes the model's own files (e.g. Hugging Face config + safetensors) into a checkpoint directory. */
  readonly exportModel?: (dir: string) => Promise<void>;
  /** Continue from the latest checkpoint in `outDir` if there is one. */
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  /** Called after every step, for progress bars. */
  readonly onStep?: (record: MetricsRecord, total: number) => void;
  /** On a fresh (not resumed) run, also evaluate before the first step and log it as step 0. */
  readonly evaluateAtStart?: boolean;
  /** Stop after this many steps in this process (tests simulate a crash with it). */
  readonly stopAfter?: number;
  readonly now?: () => number;
  /** Receives warnings such as a damaged latest.json that resume stepped around (default: core's `log`). */
  readonly onWarning?: (line: string) => void;
  /**
   * Where weight decay pulls each variable (see AdamW's `anchor`): a variable with an entry
   * decays toward it instead of toward 0. The tensors stay the caller's.
   */
  readonly decayToward?: ReadonlyMap<tf.Variable, tf.Tensor>;
  /** Early stopping on the validation loss (see `EarlyStopping`). */
  readonly earlyStopping?: EarlyStopping;
}

/**
 * Stop when the validation loss has not improved for `patience` validation passes in a row.
 * Every improvement saves the variables to `<outDir>/best/` (with `exportModel`'s files); when
 * the run ends, stopped early or not, the variables are set to the best ones. The count of
 * passes since the best is read back from metrics.jsonl on resume, so a resumed run stops
 * where an uninterrupted one would.
 */
export interface EarlyStopping {
  readonly patience: number;
}

/** The best validation pass of a run so far, from its metrics (null before any). */
export interface BestValidation {
  readonly step: number;
  readonly validationLoss: number;
  /** Validation passes after the best one. */
  readonly passesSince: number;
}

/** The lowest validation loss in `records` (the first if tied) and how many passes followed it. */
export function bestValidation(records: readonly MetricsRecord[]): BestValidation | null {
  let step = -1;
  let lowest = Number.POSITIVE_INFINITY;
  let passesSince = 0;
  for (const record of records) {
    if (record.validationLoss === undefined) continue;
    if (step < 0 || record.validationLoss < lowest) {
      step = record.step;
      lowest = record.validationLoss;
      passesSince = 0;
    } else {
      passesSince += 1;
    }
  }
  return step < 0 ? null : { step, validationLoss: lowest, passesSince };
}

/** Folder of the best variables under early stopping. */
export const BEST_DIRECTORY = 'best';

export interface TrainRunResult {
  readonly finalStep: number;
  readonly resumedFrom: number | null;
  readonly lastLoss: number | null;
  readonly lastValidationLoss: number | null;
  /** Under early stopping: the best validation pass, and whether the run stopped before `steps`. */
  readonly best?: BestValidation | null;
  readonly stoppedEarly?: boolean;
}

/** The RNG of step `step`: a pure function of the seed and the step, so resume needs no RNG state. */
export function stepRng(seed: number, step: number): Rng {
  return new Rng(seed * 1_000_003 + step);
}

function sumInto(total: Record<string, tf.Tensor> | null, next: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  if (!total) return next;
  const summed: Record<string, tf.Tensor> = {};
  for (const name of Object.keys(next)) {
    summed[name] = tf.add(total[name] as tf.Tensor, next[name] as tf.Tensor);
    (total[name] as tf.Tensor).dispose();
    (next[name] as tf.Tensor).dispose();
  }
  return summed;
}

/** `task.loss` of one micro-batch with its `prepare` work done first and freed after. */
function withPrepared<T>(task: TrainingTask, batch: TokenBatch, rng: Rng, use: (prepared: unknown) => T): T {
  const prepared = task.prepare?.(batch, rng);
  try {
    return use(prepared);
  } finally {
    if (prepared !== undefined) tf.dispose(prepared as tf.TensorContainer);
  }
}

/**
 * Mean loss over the first `batches` validation batches. Validation masks are fixed per
 * batch index (RNG stream `seed + 7919`, index), so every evaluation, and every run with the
 * same seed, scores the same inputs.
 */
export async function validationLoss(task: TrainingTask, data: BatchSource, batches: number, seed: number): Promise<number | null> {
  const count = Math.min(batches, data.validationBatches);
  if (count === 0) return null;
  let total = 0;
  for (let index = 0; index < count; index++) {
    const rng = stepRng(seed + 7919, index);
    const batch = data.validation(index);
    total += withPrepared(task, batch, rng, (prepared) => tf.tidy(() => task.loss(batch, rng, prepared).dataSync()[0] as number));
  }
  return total / count;
}

async function writeLossChart(outDir: string, records: readonly MetricsRecord[]): Promise<void> {
  const train = records.filter((r) => r.loss !== undefined).map((r) => ({ x: r.step, y: r.loss as number }));
  const validation = records.filter((r) => r.validationLoss !== undefined).map((r) => ({ x: r.step, y: r.validationLoss as number }));
  const series = [{ name: 'train loss', points: train }];
  if (validation.length) series.push({ name: 'validation loss', points: validation });
  await writeLineChart(path.join(outDir, 'loss.svg'), { title: 'Training loss', x: { label: 'training step', unit: 'optimizer steps', integer: true }, y: { label: 'loss', unit: 'nats/token' }, series });
}

/**
 * The shared training loop: AdamW (decoupled weight decay) with linear warm-up and cosine
 * decay, gradient accumulation over micro-batches, global-norm clipping, periodic validation,
 * JSONL metrics, a loss chart, and atomic, resumable checkpoints. Resuming replays nothing:
 * step `s` always sees batch `s` and RNG stream `s`, so a resumed run reproduces the losses
 * of an uninterrupted one.
 */
export async function runTraining(task: TrainingTask, data: BatchSource, run: TrainRunOptions): Promise<TrainRunResult> {
  const options: TrainerOptions = trainerOptionsSchema.parse(run.options);
  const store = new CheckpointStore(run.outDir);
  const metrics = new MetricsLog(path.join(run.outDir, 'metrics.jsonl'));
  const variables = [...task.variables];
  const slotKeys = new Map(variables.map((variable, index) => [variable, `${index}`]));
  const optimizer = new AdamW({
    beta1: options.beta1,
    beta2: options.beta2,
    weightDecay: options.weightDecay,
    slotKey: (variable) => slotKeys.get(variable) ?? variable.name,
    ...(run.decayToward ? { anchor: (variable: tf.Variable) => run.decayToward?.get(variable) } : {}),
  });
  const schedule = warmupCosine({ peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.steps, finalRatio: options.finalLearningRateRatio });
  const now = run.now ?? (() => performance.now());

  let startStep = 0;
  let resumedFrom: number | null = null;
  const latest = run.resume ? await store.latest(run.onWarning ?? log) : null;
  if (latest) {
    const checkpoint = await store.load(latest.dir, variables.length);
    for (const key of RESUME_INVARIANT_KEYS) {
      if (checkpoint.meta.options[key] !== options[key]) {
        throw new CheckpointError(latest.dir, `cannot resume: option ${key} was ${JSON.stringify(checkpoint.meta.options[key])}, now ${JSON.stringify(options[key])}`);
      }
    }
    if (JSON.stringify(checkpoint.meta.task) !== JSON.stringify(run.taskDescription)) {
      throw new CheckpointError(latest.dir, `cannot resume: the checkpoint was made for a different task (${JSON.stringify(checkpoint.meta.task)})`);
    }
    variables.forEach((variable, index) => {
      const values = checkpoint.values[index] as Float32Array;
      if (values.length !== variable.size) throw new CheckpointError(latest.dir, `variable ${index} has ${values.length} values, the model expects ${variable.size}`);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    });
    optimizer.setState(checkpoint.optimizer);
    startStep = checkpoint.meta.step;
    resumedFrom = startStep;
    await metrics.truncateAfter(startStep);
  } else {
    await metrics.truncateAfter(-1);
    if (run.evaluateAtStart) {
      const initial = await validationLoss(task, data, options.evalBatches, options.seed);
      if (initial !== null) await metrics.append({ step: 0, validationLoss: initial });
    }
  }

  const checkpoint = (step: number) =>
    store.save(step, { variables, optimizer: optimizer.getState(), meta: { options, task: run.taskDescription }, exportModel: run.exportModel }, options.keepCheckpoints);

  let lastLoss: number | null = null;
  let lastValidationLoss: number | null = null;
  const started = now();
  let tokensThisRun = 0;
  let step = startStep;
  const bestStore = new CheckpointStore(path.join(run.outDir, BEST_DIRECTORY));
  let best = run.earlyStopping ? bestValidation(await metrics.read()) : null;
  let stoppedEarly = false;
  const patienceExhausted = () => run.earlyStopping !== undefined && best !== null && best.passesSince >= run.earlyStopping.patience;
  /** Records a validation pass for early stopping; an improvement saves the variables as the best. */
  const noteValidation = async (validatedStep: number, loss: number) => {
    if (!run.earlyStopping) return;
    if (best === null || loss < best.validationLoss) {
      best = { step: validatedStep, validationLoss: loss, passesSince: 0 };
      await bestStore.save(validatedStep, { variables, optimizer: { step: 0, slots: {} }, meta: { options, task: run.taskDescription }, exportModel: run.exportModel }, 1);
    } else {
      best = { ...best, passesSince: best.passesSince + 1 };
    }
  };
  if (run.earlyStopping && !latest && run.evaluateAtStart) {
    const initial = best as BestValidation | null;
    if (initial !== null) {
      best = null;
      await noteValidation(0, initial.validationLoss);
    }
  }
  try {
    while (step < options.steps) {
      if (patienceExhausted()) {
        stoppedEarly = true;
        break;
      }
      if (run.signal?.aborted) throw new AbortedError('training');
      if (run.stopAfter !== undefined && step - startStep >= run.stopAfter) break;
      const rng = stepRng(options.seed, step);
      let gradients: Record<string, tf.Tensor> | null = null;
      let lossSum = 0;
      let tokens = 0;
      for (let micro = 0; micro < options.accumulation; micro++) {
        const batch = data.train(step, micro);
        tokens += batch.batch * batch.length;
        const { value, grads } = withPrepared(task, batch, rng, (prepared) =>
          tf.variableGrads(() => tf.div(task.loss(batch, rng, prepared), options.accumulation) as tf.Scalar, variables as tf.Variable[]),
        );
        lossSum += value.dataSync()[0] as number;
        value.dispose();
        gradients = sumInto(gradients, grads);
      }
      const { gradients: clipped, norm } = clipByGlobalNorm(gradients as Record<string, tf.Tensor>, options.clipNorm);
      const learningRate = schedule(step);
      optimizer.apply(variables, clipped, learningRate);
      Object.values(clipped).forEach((gradient) => gradient.dispose());
      step += 1;
      tokensThisRun += tokens;
      lastLoss = lossSum;
      const elapsedSeconds = (now() - started) / 1000;
      const record: MetricsRecord = {
        step,
        loss: lossSum,
        learningRate,
        gradientNorm: norm,
        tokens: step * tokens,
        tokensPerSecond: elapsedSeconds > 0 ? tokensThisRun / elapsedSeconds : 0,
        elapsedSeconds,
      };
      await metrics.append(record);
      run.onStep?.(record, options.steps);
      if (step % options.evalEvery === 0 || step === options.steps) {
        lastValidationLoss = await validationLoss(task, data, options.evalBatches, options.seed);
        if (lastValidationLoss !== null) {
          await metrics.append({ step, validationLoss: lastValidationLoss });
          await noteValidation(step, lastValidationLoss);
        }
      }
      if (step % options.checkpointEvery === 0 || step === options.steps || patienceExhausted()) {
        await checkpoint(step);
        await writeLossChart(run.outDir, await metrics.read());
      }
    }
  } finally {
    optimizer.dispose();
  }
  if (!run.earlyStopping) return { finalStep: step, resumedFrom, lastLoss, lastValidationLoss };
  const finished = run.stopAfter === undefined || step - startStep < run.stopAfter || step >= options.steps || stoppedEarly;
  const bestCheckpoint = await bestStore.latest(run.onWarning ?? log);
  if (finished && bestCheckpoint) {
    const saved = await bestStore.load(bestCheckpoint.dir, variables.length);
    variables.forEach((variable, index) => tf.tidy(() => variable.assign(tf.tensor(saved.values[index] as Float32Array, variable.shape, 'float32'))));
  }
  return { finalStep: step, resumedFrom, lastLoss, lastValidationLoss, best, stoppedEarly };
}
