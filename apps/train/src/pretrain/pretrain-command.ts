import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { initEngine, InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { architecturePresets, DEFAULT_CORPUS_DIRECTORY, DEFAULT_TOKENIZER_PATH, objectives, parseMaskRate, pretrain, type MaskRate, type ObjectiveName } from '@maria-ts/trainer';
import { addTrainerOptions, trainerOptionsFromFlags, type TrainerFlags } from '../trainer/trainer-flags.js';

interface PretrainFlags extends TrainerFlags {
  arch: string;
  config?: string;
  initFrom?: string;
  objective: ObjectiveName;
  maskRate?: MaskRate;
  data: string;
  tokenizer: string;
  out: string;
  engine?: string;
  threads?: string;
  progress: boolean;
  json?: boolean;
}

/** `maria-train pretrain`: train a tiny AR, MLM or diffusion backbone from scratch on token shards (`pretrain` of @maria-ts/trainer). */
export function registerPretrainCommand(program: Command): void {
  const command = program
    .command('pretrain')
    .description('pretrain a backbone from scratch (AR next-token, MLM at 30%, or MDLM masked diffusion) with resumable checkpoints')
    .option('--arch <preset>', `architecture preset (${architecturePresets.names().join(', ')})`, 'tiny-llama')
    .option('--config <file>', 'a config.json to use instead of the preset (its model_type picks the family)')
    .option('--init-from <dir>', 'start from this checkpoint\'s weights (same architecture) with a fresh optimizer and schedule, e.g. to train a longer-trained judge')
    .option('--objective <name>', 'ar | mlm | diffusion', 'ar')
    .option('--mask-rate <p|min:max>', 'mlm only: a fixed masking rate (default 0.3), or a range min:max drawn per sequence, stratified across the batch', parseMaskRate)
    .option('--data <dir>', 'token shards from `maria-train corpus`', DEFAULT_CORPUS_DIRECTORY)
    .option('--tokenizer <file>', 'tokenizer.json the shards were made with', DEFAULT_TOKENIZER_PATH)
    .option('--out <dir>', 'run folder (checkpoints, metrics.jsonl, loss.svg)', 'runs/pretrain');
  addTrainerOptions(command, {
    defaults: { steps: 3000, batch: 8, lr: 1e-3, warmup: 100, weightDecay: 0.1, checkpointEvery: 100, evalEvery: 100, evalBatches: 8 },
    help: { weightDecay: 'AdamW decoupled weight decay', evalBatches: 'validation batches per pass', seed: 'seed of the init, data order and masks' },
  });
  command
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action((flags: PretrainFlags) =>
      runMain(async () => {
        if (!objectives.has(flags.objective)) objectives.get(flags.objective);
        if (flags.maskRate !== undefined && flags.objective !== 'mlm') throw new InvalidArgumentError('--mask-rate', typeof flags.maskRate === 'object' ? `${flags.maskRate.min}:${flags.maskRate.max}` : String(flags.maskRate), 'no --mask-rate: it applies to --objective mlm only');
        await initEngine({ engine: flags.engine, threads: flags.threads });
        const summary = await pretrain({
          arch: flags.arch,
          ...(flags.config ? { config: JSON.parse(await readFile(flags.config, 'utf8')) as Record<string, unknown> } : {}),
          ...(flags.initFrom ? { initFrom: flags.initFrom } : {}),
          objective: flags.objective,
          ...(flags.maskRate !== undefined ? { maskRate: flags.maskRate } : {}),
          data: flags.data,
          tokenizer: flags.tokenizer,
          out: flags.out,
          batch: flags.batch,
          trainer: trainerOptionsFromFlags(flags),
          resume: flags.resume,
          progress: flags.progress && !flags.json,
        });
        process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `pretrain: ${JSON.stringify(summary)}\n`);
      }, { json: () => Boolean(flags.json) }),
    );
}
