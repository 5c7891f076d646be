import { Command } from 'commander';
import { ENGINE_OPTION, parseOneNumber, THREADS_OPTION } from '@maria-ts/cli-kit';
import { temperatureSchedules } from '@maria-ts/annealer';
import { CONFIG_INTEGER_LIMITS } from '@maria-ts/backbones';
import type { CommandOutput } from '../output.js';
import { runInterruptible } from '../run-interruptible.js';
import { generateJson, generateText, iterationLine } from './format-generate.js';
import { runGenerate } from './run-generate.js';

interface GenerateFlags {
  readonly length: string;
  readonly iterations: string;
  readonly remask: string;
  readonly seed: string;
  readonly schedule: string;
  readonly model?: string;
  readonly json?: boolean;
  readonly engine?: string;
  readonly threads?: string;
}

/**
 * `maria generate --length 64 --iterations 10 --remask 0.3 --seed 0 [--model DIR] [--json]
 * [--schedule linear]`: unconditional generation by simulated annealing (sample from the AR
 * model at T = 1, then remask and resample with MARIA as T goes 1 → 0). Progress goes to
 * stderr, one line per iteration, except with `--json`. Ctrl-C cancels cleanly.
 */
export function generateCommand(output: CommandOutput): Command {
  return new Command('generate')
    .description('generate text unconditionally: an AR sample annealed by MARIA (remask and resample, temperature 1 → 0)')
    .option('--length <n>', 'tokens to generate', '64')
    .option('--iterations <k>', 'annealing iterations (0: the AR sample alone)', '10')
    .option('--remask <r>', 'share of positions remasked per iteration, in [0, 1]', '0.3')
    .option('--seed <n>', 'random seed', '0')
    .option('--schedule <name>', `temperature schedule: ${temperatureSchedules.names().join(', ')}`, 'linear')
    .option('--model <dir>', 'a MARIA directory (maria.json) or its Hub id (owner/name[@revision]); default: the embedded tiny model')
    .option('--json', 'print {"text", "tokens", "temperatures", ...} and no progress')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action(async (flags: GenerateFlags) => {
      await runInterruptible(
        async (signal) => {
          // No model takes more positions than a config may declare; the model's own limit is checked once it is loaded.
          const length = parseOneNumber('--length', flags.length, { integer: true, min: 1, max: CONFIG_INTEGER_LIMITS.max_position_embeddings });
          const iterations = parseOneNumber('--iterations', flags.iterations, { integer: true, min: 0 });
          const remask = parseOneNumber('--remask', flags.remask, { min: 0, max: 1 });
          const schedule = flags.schedule;
          temperatureSchedules.get(schedule); // an unknown name fails here, listing the known ones, before the model loads
          const result = await runGenerate({
            length,
            iterations,
            remask,
            seed: parseOneNumber('--seed', flags.seed, { integer: true }),
            schedule,
            ...(flags.model !== undefined ? { model: flags.model } : {}),
            ...(flags.engine !== undefined ? { engine: flags.engine } : {}),
            ...(flags.threads !== undefined ? { threads: parseOneNumber('--threads', flags.threads, { integer: true, min: 1 }) } : {}),
            signal,
            ...(flags.json ? {} : { onIteration: (event) => output.stderr(iterationLine(event, iterations)) }),
          });
          output.stdout(flags.json ? `${generateJson(result)}\n` : generateText(result));
        },
        { json: () => flags.json === true },
      );
    });
}
