import { Command } from 'commander';
import { benchDecodeCommand } from './commands/bench-decode.js';
import { forwardCommand } from './commands/forward.js';
import { generateCommand } from './generate/generate-command.js';
import { infillCommand } from './infill/infill-command.js';
import { processOutput, type CommandOutput } from './output.js';

/**
 * The `maria` program. Each subcommand is its own file under `commands/`; apps and tests
 * build the program here and parse arguments with it (tests pass their own output).
 */
export function mariaProgram(output: CommandOutput = processOutput): Command {
  return new Command('maria').description('MARIA: masked and autoregressive infilling on TensorFlow.js').addCommand(forwardCommand(output))
    .addCommand(benchDecodeCommand(output))
    .addCommand(infillCommand(output))
    .addCommand(generateCommand(output));
}
