import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { initEngine, InvalidArgumentError, tf, writeFileAtomic } from '@maria-ts/core';
import { ENGINE_OPTION, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { writeVegaLiteSvg } from '@maria-ts/eval';
import { hasTinyMaria, TINY_MARIA_DIR, TinyMariaMissingError } from '@maria-ts/model-tiny';
import { DEFAULT_CORPUS_DIRECTORY, HEAD_TRAINING_DEFAULTS, type HeadInitChoice, initialHead, loadBackbonePair, openShards, trainHead } from '@maria-ts/trainer';
import { initCurvesChartSpec } from './init-curves-chart.js';

interface InitCurvesFlags {
  readonly model?: string;
  readonly ar?: string;
  readonly mlm?: string;
  readonly tokenizer?: string;
  readonly data: string;
  readonly steps: string;
  readonly batch: string;
  readonly accumulation: string;
  readonly lr: string;
  readonly warmup: string;
  readonly evalEvery?: string;
  readonly evalBatches: string;
  readonly seed: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly out: string;
  readonly progress: boolean;
  readonly json?: boolean;
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

async function backbonePaths(flags: InitCurvesFlags): Promise<{ ar: string; mlm: string; tokenizer: string; label: string }> {
  if (flags.ar !== undefined || flags.mlm !== undefined) {
    if (flags.ar === undefined || flags.mlm === undefined) throw new InvalidArgumentError(flags.ar === undefined ? '--ar' : '--mlm', undefined, 'both --ar and --mlm (or --model)');
    return { ar: flags.ar, mlm: flags.mlm, tokenizer: flags.tokenizer ?? 'packages/model-tiny/assets/tokenizer.json', label: `${flags.ar} + ${flags.mlm}` };
  }
  const model = flags.model ?? TINY_MARIA_DIR;
  if (flags.model === undefined && !(await hasTinyMaria())) throw new TinyMariaMissingError(TINY_MARIA_DIR);
  return { ar: path.join(model, 'ar'), mlm: path.join(model, 'mlm'), tokenizer: flags.tokenizer ?? path.join(model, 'tokenizer.json'), label: flags.model ?? 'model-tiny (embedded)' };
}

/**
 * `maria-bench init-curves` (Figure 2): trains the fusion head twice on the same frozen
 * backbones, data order, masks, steps and seed, once from the product-of-experts init and
 * once from a random init, and charts both validation-loss curves. Each run is a full
 * `maria-train head` run folder under `<out>/runs/<init>`.
 */
export function initCurvesCommand(): Command {
  return new Command('init-curves')
    .description('Figure 2: head training from PoE init vs random init (same data, steps, seed); writes JSON and an SVG of both validation-loss curves')
    .option('--model <dir>', 'a MARIA directory whose ar/ and mlm/ are used (default: the embedded tiny model)')
    .option('--ar <dir>', 'AR checkpoint or pretraining run folder (with --mlm, instead of --model)')
    .option('--mlm <dir>', 'MLM checkpoint or pretraining run folder')
    .option('--tokenizer <file>', 'the shared tokenizer.json (default: the model\'s)')
    .option('--data <dir>', 'token shards from `maria-train corpus`', DEFAULT_CORPUS_DIRECTORY)
    .option('--steps <n>', 'optimisation steps per run', '200')
    .option('--batch <n>', 'sequences per micro-batch', '8')
    .option('--accumulation <n>', 'micro-batches per step', '1')
    .option('--lr <x>', 'peak learning rate (both runs; default that of maria-train head)', String(HEAD_TRAINING_DEFAULTS.lr))
    .option('--warmup <n>', 'warm-up steps', '20')
    .option('--eval-every <n>', 'steps between validation passes (default: steps/10)')
    .option('--eval-batches <n>', 'validation batches per pass (the same fixed masks in both runs)', '8')
    .option('--seed <n>', 'seed of data order, masks and the random init', '0')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--out <dir>', 'where to write init-curves.json, init-curves.svg and the two run folders', 'runs/bench/init-curves')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the report as JSON')
    .action((flags: InitCurvesFlags) =>
      runMain(async () => {
        const steps = parseOneNumber('--steps', flags.steps, { integer: true, min: 2 });
        const warmup = parseOneNumber('--warmup', flags.warmup, { integer: true, min: 0 });
        if (warmup >= steps) throw new InvalidArgumentError('--warmup', warmup, `fewer than --steps (${steps})`);
        const trainer = {
          steps,
          accumulation: parseOneNumber('--accumulation', flags.accumulation, { integer: true, min: 1 }),
          learningRate: parseOneNumber('--lr', flags.lr, { min: 1e-8 }),
          warmupSteps: warmup,
          weightDecay: 0,
          evalEvery: flags.evalEvery === undefined ? Math.max(1, Math.floor(steps / 10)) : parseOneNumber('--eval-every', flags.evalEvery, { integer: true, min: 1 }),
          evalBatches: parseOneNumber('--eval-batches', flags.evalBatches, { integer: true, min: 1 }),
          checkpointEvery: steps,
          keepCheckpoints: 1,
          seed: parseOneNumber('--seed', flags.seed, { integer: true, min: 0 }),
        };
        const batch = parseOneNumber('--batch', flags.batch, { integer: true, min: 1 });
        const paths = await backbonePaths(flags);
        await initEngine({ ...(flags.engine ? { engine: flags.engine } : {}), ...(flags.threads ? { threads: flags.threads } : {}) });
        const shards = await openShards(flags.data, { tokenizer: paths.tokenizer });
        const runs: InitCurveRun[] = [];
        try {
          const pair = await loadBackbonePair({ ar: paths.ar, mlm: paths.mlm }, paths.tokenizer);
          try {
            for (const init of ['poe', 'random'] as const) {
              const runDir = path.join(flags.out, 'runs', init);
              await rm(runDir, { recursive: true, force: true });
              const head = await initialHead(pair, { init, seed: trainer.seed });
              const started = performance.now();
              try {
                const result = await trainHead(pair, head, shards, { out: runDir, trainer, batch, init, progress: flags.progress && !flags.json ? `init-curves ${init}` : false });
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
        const report: InitCurvesReport = {
          runs,
          settings: { model: paths.label, data: flags.data, batch, ...trainer },
          environment: { node: process.version, cpus: os.availableParallelism(), loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))), date: new Date().toISOString() },
        };
        await writeFileAtomic(path.join(flags.out, 'init-curves.json'), `${JSON.stringify(report, null, 2)}\n`);
        await writeVegaLiteSvg(path.join(flags.out, 'init-curves.svg'), initCurvesChartSpec(runs, { steps, learningRate: trainer.learningRate, batch, accumulation: trainer.accumulation }));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          const lines = ['init     step-0 val   final val   tokens/s   seconds'];
          for (const run of runs) lines.push(`${run.init.padEnd(9)}${String(run.initialValidationLoss?.toFixed(4)).padEnd(13)}${String(run.finalValidationLoss?.toFixed(4)).padEnd(12)}${String(Math.round(run.tokensPerSecond ?? 0)).padEnd(11)}${run.seconds}`);
          lines.push(`wrote ${path.join(flags.out, 'init-curves.json')} and init-curves.svg`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      }, { json: () => flags.json === true }),
    );
}
