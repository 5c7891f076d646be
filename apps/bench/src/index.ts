import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { annealCommand } from './anneal/anneal-command.js';
import { chartCommand } from './commands/chart.js';
import { opsCommand } from './commands/ops.js';
import { eloCommand } from './elo/elo-command.js';
import { enginesCommand } from './engines/engines-command.js';
import { headLossCommand } from './head/head-loss-command.js';
import { initCurvesCommand } from './head/init-curves-command.js';
import { posCommand } from './pos/pos-command.js';
import { pplCommand } from './ppl/ppl-command.js';
import { serveLoadCommand } from './serve-load/serve-load-command.js';
import { throughputCommand } from './throughput/throughput-command.js';
import { wholeWordsCommand } from './whole-words/whole-words-command.js';

/** This app's version, from its package.json (../package.json from this file in both src/ and dist/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The `maria-bench` program: one subcommand per benchmark, each writing JSON and charts. */
export function benchProgram(): Command {
  return new Command('maria-bench')
    .description('MARIA-TS benchmarks: they write JSON (and charts) so results can be compared as ratios within one run')
    .version(packageVersion())
    .addCommand(opsCommand())
    .addCommand(chartCommand())
    .addCommand(pplCommand())
    .addCommand(posCommand())
    .addCommand(throughputCommand())
    .addCommand(enginesCommand())
    .addCommand(eloCommand())
    .addCommand(annealCommand())
    .addCommand(initCurvesCommand())
    .addCommand(headLossCommand())
    .addCommand(serveLoadCommand())
    .addCommand(wholeWordsCommand());
}
