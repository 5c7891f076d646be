import path from 'node:path';
import { Command } from 'commander';
import { initEngine, InvalidArgumentError, writeFileAtomic } from '@maria-ts/core';
import { ENGINE_OPTION, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { writeVegaLiteSvg } from '@maria-ts/eval';
import { hasTinyMaria, TINY_MARIA_DIR, TinyMariaMissingError } from '@maria-ts/model-tiny';
import { DEFAULT_CORPUS_DIRECTORY, HEAD_TRAINING_DEFAULTS } from '@maria-ts/trainer';
import { initCurvesChartSpec, runInitCurves } from '@maria-ts/benchmarks';

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
        const report = await runInitCurves({ ar: paths.ar, mlm: paths.mlm, tokenizer: paths.tokenizer, modelName: paths.label, data: flags.data, out: flags.out, batch, trainer, progress: flags.progress && !flags.json });
        const { runs } = report;
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
