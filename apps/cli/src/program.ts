import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { benchDecodeCommand } from './commands/bench-decode.js';
import { forwardCommand } from './commands/forward.js';
import { generateCommand } from './generate/generate-command.js';
import { infillCommand } from './infill/infill-command.js';
import { processOutput, type CommandOutput } from './output.js';

/** This app's version, from its package.json (../package.json from this file in both src/ and dist/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * The `maria` program. Each subcommand is its own file under `commands/`; apps and tests
 * build the program here and parse arguments with it (tests pass their own output).
 */
export function mariaProgram(output: CommandOutput = processOutput): Command {
  return new Command('maria').description('MARIA: masked and autoregressive infilling on TensorFlow.js').version(packageVersion()).addCommand(forwardCommand(output))
    .addCommand(benchDecodeCommand(output))
    .addCommand(infillCommand(output))
    .addCommand(generateCommand(output));
}
