import path from 'node:path';
import { Command } from 'commander';
import { InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, parseNumberList, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { temperatureSchedules } from '@maria-ts/annealer';
import { assertJudgeIsNotBackbone, formatAnnealTable, loadArJudgeModel, runAnnealBench, writeAnnealArtefacts } from '@maria-ts/benchmarks';
import { withBenchModel } from '../ppl/with-bench-model.js';

interface AnnealFlags {
  readonly model?: string;
  readonly judge?: string;
  readonly samples: string;
  readonly length: string;
  readonly iterations: string;
  readonly diffusionSteps: string;
  readonly remask: string;
  readonly schedule: string;
  readonly seed: string;
  readonly warmup: string;
  readonly json?: boolean;
  readonly out: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly progress: boolean;
}

/** `maria-bench anneal` (Figure 5): gen PPL of unconditional samples against wall-clock, MARIA annealing vs masked diffusion. */
export function annealCommand(): Command {
  return new Command('anneal')
    .description('generative perplexity (under a judge AR model) vs wall-clock: MARIA simulated annealing at several K vs masked diffusion at several step counts')
    .option('--model <dir>', 'MARIA directory (default: the embedded tiny model)')
    .option('--judge <dir>', "AR checkpoint that scores the samples: separately trained, larger or longer-trained, never the model's own AR backbone")
    .option('--samples <n>', 'unconditional samples per setting', '8')
    .option('--length <n>', 'tokens per sample', '64')
    .option('--iterations <list>', 'annealing iteration counts K (0 = the AR sample alone)', '2,4,8,16')
    .option('--diffusion-steps <list>', 'denoising step counts of the diffusion baseline (empty: skip it)', '8,16,32,64')
    .option('--remask <r>', 'share of positions remasked per annealing iteration', '0.3')
    .option('--schedule <name>', `temperature schedule: ${temperatureSchedules.names().join(', ')}`, 'linear')
    .option('--seed <n>', 'seed; sample i of every setting uses the same seed', '0')
    .option('--warmup <n>', 'untimed runs of each method before measuring', '1')
    .option('--json', 'print the report as JSON on stdout, no progress')
    .option('--out <dir>', 'where to write anneal.json and anneal.svg', 'runs/bench/anneal')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--no-progress', 'no progress bar on stderr')
    .action((flags: AnnealFlags) =>
      runMain(
        async () => {
          const judgeDir = flags.judge;
          if (!judgeDir) {
            throw new InvalidArgumentError('--judge', undefined, "an AR checkpoint directory: a separately trained, larger or longer-trained AR model, never the model's own AR backbone");
          }
          const samples = parseOneNumber('--samples', flags.samples, { integer: true, min: 1 });
          const length = parseOneNumber('--length', flags.length, { integer: true, min: 1 });
          const iterations = flags.iterations.trim() === '' ? [] : parseNumberList('--iterations', flags.iterations, { integer: true, min: 0 });
          const diffusionSteps = flags.diffusionSteps.trim() === '' ? [] : parseNumberList('--diffusion-steps', flags.diffusionSteps, { integer: true, min: 1 });
          const remask = parseOneNumber('--remask', flags.remask, { min: 0 });
          if (remask > 1) throw new InvalidArgumentError('--remask', flags.remask, 'a number in [0, 1]');
          const seed = parseOneNumber('--seed', flags.seed, { integer: true, min: 0 });
          temperatureSchedules.get(flags.schedule);
          const benchFlags = { ...flags, progress: flags.progress && !flags.json };
          await withBenchModel('anneal', benchFlags, { skipDiffusion: diffusionSteps.length === 0 }, async (model, progress) => {
            const judge = await loadArJudgeModel(judgeDir, model.tokenizer);
            try {
              assertJudgeIsNotBackbone(judge, model.ar);
              progress.start(samples * (iterations.length + diffusionSteps.length));
              const result = await runAnnealBench({
                model,
                judge,
                samples,
                length,
                iterations,
                diffusionSteps,
                remaskFraction: remask,
                schedule: flags.schedule,
                seed,
                warmup: parseOneNumber('--warmup', flags.warmup, { integer: true, min: 0 }),
                onProgress: (event) => {
                  progress.stage(event.setting);
                  progress.advance(1);
                },
              });
              progress.stop();
              const metadata = {
                figure: 'MARIA paper Figure 5: generative perplexity vs wall-clock time',
                model: flags.model ?? 'embedded tiny MARIA',
                judge: { dir: path.resolve(judgeDir), family: judge.backbone.info.family, layers: judge.backbone.info.numLayers, hiddenSize: judge.backbone.info.hiddenSize, contentHash: judge.backbone.info.contentHash },
                settings: { samples, length, iterations, diffusionSteps, remask, schedule: flags.schedule, seed, warmup: flags.warmup, genPpl: 'exp(total judge NLL / total judge tokens) over the samples; judge time not counted' },
              };
              await writeAnnealArtefacts(flags.out, result, metadata);
              if (flags.json) process.stdout.write(`${JSON.stringify({ points: result.points, trajectory: result.trajectory, ...(result.diffusionEncoder ? { diffusionEncoder: result.diffusionEncoder } : {}) })}\n`);
              else {
                const notes = [
                  ...(result.diffusionEncoder === 'mlm' ? ['note: the model has no MDLM encoder; the diffusion baseline denoised with the plain MLM'] : []),
                  `wrote ${path.join(flags.out, 'anneal.json')} and anneal.svg`,
                ];
                process.stdout.write(`${formatAnnealTable(result)}\n${notes.join('\n')}\n`);
              }
            } finally {
              judge.backbone.dispose();
            }
          });
        },
        { json: () => Boolean(flags.json) },
      ),
    );
}
