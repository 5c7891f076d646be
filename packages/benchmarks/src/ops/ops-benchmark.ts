import * as tf from '@tensorflow/tfjs';
import { Rng, currentEngine } from '@maria-ts/core';
import { measureDecodeStep } from './decode-step.js';
import { builtinOps, fastOps, type OpSet } from './op-set.js';
import { medianSeconds } from './timing.js';
import { BenchmarkBlock, DEFAULT_BLOCK_SHAPE, blockTrainingStepFlops, type BlockShape } from './transformer-block.js';

/**
 * One measurement. `gflops` for matmuls and training steps (a step counts its matrix
 * products only, see `blockTrainingStepFlops`), `tokensPerSecond` for model steps.
 */
export interface OpsRow {
  readonly op: string;
  readonly impl: 'builtin' | 'fast';
  /** Batch size, for decode rows. */
  readonly batch?: number;
  readonly threads: number;
  readonly gflops?: number;
  readonly tokensPerSecond?: number;
  readonly secondsPerRun: number;
}

/** What `maria-bench ops` writes to ops.json: the rows, fast over built-in per op, and where it ran. */
export interface OpsReport {
  readonly rows: OpsRow[];
  /** Fast over built-in, per op and thread count (higher is better for us). */
  readonly speedups: { readonly op: string; readonly threads: number; readonly fastOverBuiltin: number }[];
  readonly environment: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly date: string };
}

/** Fast over built-in rate (GFLOP/s, else tokens/s) of every op measured both ways at the same thread count. */
export function opsSpeedups(rows: readonly OpsRow[]): OpsReport['speedups'] {
  const rate = (row: OpsRow) => row.gflops ?? row.tokensPerSecond ?? 0;
  return rows
    .filter((row) => row.impl === 'fast')
    .flatMap((fast) => {
      const builtin = rows.find((row) => row.impl === 'builtin' && row.op === fast.op && row.threads === fast.threads);
      return builtin ? [{ op: fast.op, threads: fast.threads, fastOverBuiltin: Number((rate(fast) / rate(builtin)).toFixed(2)) }] : [];
    });
}

/** Options of `runOpsBench`. */
export interface OpsBenchOptions {
  readonly matmulRepeats: number;
  readonly stepRepeats: number;
  readonly warmup: number;
  readonly blockShape?: BlockShape;
  readonly seed?: number;
  /** Called before each measurement, for progress display. */
  readonly onMeasure?: (label: string) => void;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function randomMatrix(rng: Rng, rows: number, columns: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: rows * columns }, () => rng.normal()), [rows, columns]);
}

async function matmulRows(rng: Rng, threads: number, options: OpsBenchOptions): Promise<OpsRow[]> {
  const rows: OpsRow[] = [];
  const timing = { warmup: options.warmup, repeats: options.matmulRepeats };
  for (const [m, k, n] of [[1024, 1024, 1024], [1024, 256, 8192]] as const) {
    const a = randomMatrix(rng, m, k);
    const b = randomMatrix(rng, k, n);
    const flops = 2 * m * k * n;
    // Forward only. At one thread both sets reach the same wasm kernel and agree within
    // noise; at more, only core's matMul turns the XNNPACK thread pool on for a product this
    // large (runtime/thread-pool-switch), so the built-in row stays at one thread's rate.
    for (const ops of [builtinOps, fastOps]) {
      options.onMeasure?.(`matmul ${m}x${k}x${n} (${ops.name})`);
      const forward = await medianSeconds(() => {
        // A block body: returning the Float32Array from tidy would make tfjs walk its millions
        // of indices looking for tensors, which once made this row read 0.5 GFLOP/s.
        tf.tidy(() => {
          ops.matMul(a, b).dataSync();
        });
      }, timing);
      rows.push({ op: `matmul-${m}x${k}x${n}`, impl: ops.name, threads, gflops: round(flops / forward / 1e9), secondsPerRun: round(forward, 4) });
    }
    // Forward and backward: the backward pass is where tfjs's own gradient uses the slow transposed kernels.
    for (const ops of [builtinOps, fastOps]) {
      options.onMeasure?.(`matmul+grad ${m}x${k}x${n} (${ops.name})`);
      const gradient = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(ops.matMul(x, y)) as tf.Scalar);
      const seconds = await medianSeconds(() => {
        tf.tidy(() => gradient([a, b]).forEach((g) => g.dataSync()));
      }, timing);
      rows.push({ op: `matmul-grad-${m}x${k}x${n}`, impl: ops.name, threads, gflops: round((3 * flops) / seconds / 1e9), secondsPerRun: round(seconds, 4) });
    }
    a.dispose();
    b.dispose();
  }
  return rows;
}

async function trainingStepRow(rng: Rng, ops: OpSet, threads: number, options: OpsBenchOptions): Promise<OpsRow> {
  const shape = options.blockShape ?? DEFAULT_BLOCK_SHAPE;
  const block = new BenchmarkBlock(shape, rng.split());
  const x = tf.tensor3d(Float32Array.from({ length: shape.batch * shape.length * shape.hiddenSize }, () => rng.normal()), [shape.batch, shape.length, shape.hiddenSize]);
  const labels = tf.tensor1d(Int32Array.from({ length: shape.batch * shape.length }, () => rng.int(shape.vocabSize)), 'int32');
  const optimizer = tf.train.adam(1e-3);
  options.onMeasure?.(`training step (${ops.name})`);
  try {
    const seconds = await medianSeconds(() => {
      const loss = optimizer.minimize(() => block.loss(ops, x, labels), true, block.variables);
      loss?.dataSync();
      loss?.dispose();
    }, { warmup: options.warmup, repeats: options.stepRepeats });
    return {
      op: `train-step-block-d${shape.hiddenSize}-t${shape.length}-b${shape.batch}-v${shape.vocabSize}`,
      impl: ops.name,
      threads,
      gflops: round(blockTrainingStepFlops(shape) / seconds / 1e9),
      tokensPerSecond: round((shape.batch * shape.length) / seconds, 1),
      secondsPerRun: round(seconds, 3),
    };
  } finally {
    optimizer.dispose();
    block.dispose();
    x.dispose();
    labels.dispose();
  }
}

/**
 * Measures, on the engine already started in this process: matmul GFLOP/s (forward, and
 * forward+backward with tfjs's built-in gradient vs core's), one training step of a
 * transformer block with built-in vs fast ops, and one KV-cached decode step of the tiny
 * Llama at batch 1 and 8.
 */
export async function runOpsBench(options: OpsBenchOptions): Promise<OpsRow[]> {
  const threads = currentEngine()?.threads ?? 1;
  const rng = new Rng(options.seed ?? 0);
  const rows = await matmulRows(rng, threads, options);
  for (const ops of [builtinOps, fastOps]) rows.push(await trainingStepRow(rng, ops, threads, options));
  for (const batch of [1, 8]) {
    options.onMeasure?.(`KV-cached decode step, batch ${batch}`);
    const decode = await measureDecodeStep(batch, { prefix: 64, warmup: options.warmup + 2, repeats: options.matmulRepeats * 4, seed: options.seed ?? 0 });
    rows.push({ op: `decode-step-tiny-llama-b${batch}`, impl: 'fast', threads, batch, tokensPerSecond: round(decode.tokensPerSecond, 1), secondsPerRun: round(decode.secondsPerStep, 4) });
  }
  return rows;
}
