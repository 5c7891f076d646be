import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addTrainerOptions, trainerOptionsFromFlags, type TrainerFlags } from './trainer-flags.js';
import { trainerOptionsSchema } from '@maria-ts/trainer';

const settings = {
  defaults: { steps: 30, batch: 4, lr: 1e-3, warmup: 5, weightDecay: 0.1, checkpointEvery: 10, evalEvery: 10, evalBatches: 2 },
  help: { weightDecay: 'decay', evalBatches: 'eval batches', seed: 'seed' },
};

function parse(args: string[]): TrainerFlags {
  return addTrainerOptions(new Command('train').exitOverride(), settings).parse(args, { from: 'user' }).opts<TrainerFlags>();
}

describe('trainer flags', () => {
  it('turn the command defaults into valid trainer options', () => {
    const options = trainerOptionsFromFlags(parse([]));
    expect(options).toEqual({ steps: 30, accumulation: 1, learningRate: 1e-3, warmupSteps: 5, weightDecay: 0.1, clipNorm: 1, checkpointEvery: 10, evalEvery: 10, evalBatches: 2, seed: 0 });
    expect(trainerOptionsSchema.safeParse(options).success).toBe(true);
  });

  it('parse given values and refuse bad ones naming the flag', () => {
    const flags = parse(['--steps', '12', '--accumulation', '3', '--lr', '2e-4', '--clip', '0.5', '--seed', '7', '--resume']);
    expect(flags).toMatchObject({ steps: 12, accumulation: 3, lr: 2e-4, clip: 0.5, seed: 7, resume: true });
    expect(() => parse(['--steps', '0'])).toThrow('invalid --steps: "0"');
    expect(() => parse(['--weight-decay', '-1'])).toThrow('invalid --weight-decay: "-1"');
  });
});
