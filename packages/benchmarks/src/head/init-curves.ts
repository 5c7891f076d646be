import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type HeadInitChoice, initialHead, loadBackbonePair, openShards, trainHead } from '@maria-ts/trainer';

/** The head training both runs of `runInitCurves` share (a `maria-train head` trainer configuration). */
export interface InitCurvesTrainer {
  readonly steps: number;
  readonly accumulation: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  readonly evalEvery: number;
  readonly evalBatches: number;
  readonly checkpointEvery: number;
  readonly keepCheckpoints: number;
  readonly seed: number;
}

/** Options of `runInitCurves`. */
export interface InitCurvesOptions {
  /** AR checkpoint (or pretraining run folder), MLM checkpoint and their shared tokenizer.json. */
  readonly ar: string;
  readonly mlm: string;
  readonly tokenizer: string;
  /** Shown in the report's settings (e.g. the MARIA directory). */
  readonly modelName: string;
  /** Token shards from `maria-train corpus`. */
  readonly data: string;
  /** Each run is a `maria-train head` run folder under `<out>/runs/<init>` (replaced if present). */
  readonly out: string;
  /** Sequences per micro-batch. */
  readonly batch: number;
  readonly trainer: InitCurvesTrainer;
  /** Draw the trainer's progress bar on stderr (default false). */
  readonly progress?: boolean;
}

/** One training run of Figure 2. */
export interface InitCurveRun {
  readonly init: HeadInitChoice;
  readonly initialValidationLoss: number | null;
  readonly finalValidationLoss: number | null;
  /** Validation loss (fixed masks) at step 0 and every `evalEvery` steps. */
  readonly curve: { readonly step: number; readonly validationLoss: number }[];
  readonly trainLoss: { readonly step: number; readonly loss: number }[];
  readonly tokensPerSecond: number | null;
  readonly seconds: number;
}

/** What `maria-bench init-curves` writes to init-curves.json (and prints with --json). */
export interface InitCurvesReport {
  readonly runs: InitCurveRun[];
  readonly settings: Record<string, unknown>;
  readonly environment: { readonly node: string; readonly cpus: number; readonly loadAverage: number[]; readonly date: string };
}

/**
 * Figure 2 (`maria-bench init-curves`): trains the fusion head twice on the same frozen
 * backbones, data order, masks, steps and seed, once from the product-of-experts init and once
 * from a random init, on the engine already started, and returns both validation-loss curves.
 */
export async function runInitCurves(options: InitCurvesOptions): Promise<InitCurvesReport> {
  const { trainer, batch } = options;
  const shards = await openShards(options.data, { tokenizer: options.tokenizer });
  const runs: InitCurveRun[] = [];
  try {
    const pair = await loadBackbonePair({ ar: options.ar, mlm: options.mlm }, options.tokenizer);
    try {
      for (const init of ['poe', 'random'] as const) {
        const runDir = path.join(options.out, 'runs', init);
        await rm(runDir, { recursive: true, force: true });
        const head = await initialHead(pair, { init, seed: trainer.seed });
        const started = performance.now();
        try {
          const result = await trainHead(pair, head, shards, { out: runDir, trainer, batch, init, progress: options.progress ? `init-curves ${init}` : false });
          runs.push({
            init,
            initialValidationLoss: result.initialValidationLoss,
            finalValidationLoss: result.lastValidationLoss,
            curve: result.metrics.filter((record) => record.validationLoss !== undefined).map((record) => ({ step: record.step, validationLoss: record.validationLoss as number })),
            trainLoss: result.metrics.filter((record) => record.loss !== undefined).map((record) => ({ step: record.step, loss: record.loss as number })),
            tokensPerSecond: result.tokensPerSecond,
            seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
          });
        } finally {
          head.dispose();
        }
      }
    } finally {
      pair.dispose();
    }
  } finally {
    shards.close();
    tf.disposeVariables();
  }
  return {
    runs,
    settings: { model: options.modelName, data: options.data, batch, ...trainer },
    environment: { node: process.version, cpus: os.availableParallelism(), loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))), date: new Date().toISOString() },
  };
}
