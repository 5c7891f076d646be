import type { Command } from 'commander';
import { integerOption, numberOption } from '@maria-ts/cli-kit';
import { type TrainerOptionsInput } from '@maria-ts/trainer';

/** The parsed trainer flags of every training command (`pretrain`, `head`). */
export interface TrainerFlags {
  steps: number;
  batch: number;
  accumulation: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  clip: number;
  checkpointEvery: number;
  evalEvery: number;
  evalBatches: number;
  seed: number;
  resume: boolean;
}

/** A command's own defaults and help texts for the trainer flags (what differs between pretraining a backbone and training a head). */
export interface TrainerFlagSettings {
  readonly defaults: { readonly steps: number; readonly batch: number; readonly lr: number; readonly warmup: number; readonly weightDecay: number; readonly checkpointEvery: number; readonly evalEvery: number; readonly evalBatches: number };
  readonly help: { readonly weightDecay: string; readonly evalBatches: string; readonly seed: string };
}

/**
 * Declares `--steps` … `--seed` and `--resume` on a training command, each checked by core's
 * option parsers, so `pretrain` and `head` accept the same schedule flags with the same
 * bounds and differ only in their defaults and help texts.
 */
export function addTrainerOptions(command: Command, { defaults, help }: TrainerFlagSettings): Command {
  return command
    .option('--steps <n>', 'optimisation steps', integerOption('--steps', 1), defaults.steps)
    .option('--batch <n>', 'sequences per micro-batch', integerOption('--batch', 1), defaults.batch)
    .option('--accumulation <n>', 'micro-batches per step (gradient accumulation)', integerOption('--accumulation', 1), 1)
    .option('--lr <x>', 'peak learning rate', numberOption('--lr', 1e-8, 10), defaults.lr)
    .option('--warmup <n>', 'linear warm-up steps before the cosine decay', integerOption('--warmup', 0), defaults.warmup)
    .option('--weight-decay <x>', help.weightDecay, numberOption('--weight-decay', 0, 10), defaults.weightDecay)
    .option('--clip <x>', 'gradient clipping by global norm', numberOption('--clip', 1e-8, 1e9), 1)
    .option('--checkpoint-every <n>', 'steps between checkpoints', integerOption('--checkpoint-every', 1), defaults.checkpointEvery)
    .option('--eval-every <n>', 'steps between validation passes', integerOption('--eval-every', 1), defaults.evalEvery)
    .option('--eval-batches <n>', help.evalBatches, integerOption('--eval-batches', 0), defaults.evalBatches)
    .option('--seed <n>', help.seed, integerOption('--seed', 0), 0)
    .option('--resume', 'continue from the latest checkpoint in --out', false);
}

/** The trainer options (`runTraining`'s `options`) the trainer flags stand for. */
export function trainerOptionsFromFlags(flags: TrainerFlags): TrainerOptionsInput {
  return {
    steps: flags.steps,
    accumulation: flags.accumulation,
    learningRate: flags.lr,
    warmupSteps: flags.warmup,
    weightDecay: flags.weightDecay,
    clipNorm: flags.clip,
    checkpointEvery: flags.checkpointEvery,
    evalEvery: flags.evalEvery,
    evalBatches: flags.evalBatches,
    seed: flags.seed,
  };
}
