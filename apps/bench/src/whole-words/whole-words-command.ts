import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ENGINE_OPTION, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { loadMaria } from '@maria-ts/maria';
import { runWholeWords } from '@maria-ts/benchmarks';

interface WholeWordsFlags {
  readonly data?: string;
  readonly model?: string;
  readonly n: string;
  readonly seed: string;
  readonly tokensPerMask: string;
  readonly json?: boolean;
  readonly engine?: string;
  readonly threads?: string;
}

/** `maria-bench whole-words`: the share of word fills that merge or break, without and with the whole-word rule. */
export function wholeWordsCommand(): Command {
  return new Command('whole-words')
    .description('how often a [MASK] word fill glues onto the previous word or ends mid-character, without and with the whole-word rule')
    .requiredOption('--data <file>', 'a text file; each example masks one word of one of its lines')
    .option('--model <dir>', 'MARIA directory (default: the embedded tiny model)')
    .option('--n <n>', 'masked texts (each filled without and with the rule)', '200')
    .option('--seed <n>', 'seed of the example draw and of the sampling', '0')
    .option('--tokens-per-mask <n>', 'token positions per [MASK]', '1')
    .option('--json', 'print the report as JSON')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action((flags: WholeWordsFlags) =>
      runMain(
        async () => {
          const n = parseOneNumber('--n', flags.n, { integer: true, min: 1 });
          const seed = parseOneNumber('--seed', flags.seed, { integer: true, min: 0 });
          const tokensPerMask = parseOneNumber('--tokens-per-mask', flags.tokensPerMask, { integer: true, min: 1 });
          const lines = (await readFile(flags.data as string, 'utf8')).split('\n');
          const maria = await loadMaria(flags.model ?? 'tiny', {
            ...(flags.engine !== undefined ? { engine: flags.engine } : {}),
            ...(flags.threads !== undefined ? { threads: parseOneNumber('--threads', flags.threads, { integer: true, min: 1 }) } : {}),
          });
          try {
            const report = await runWholeWords(maria, { lines, n, seed, tokensPerMask });
            if (flags.json) {
              process.stdout.write(`${JSON.stringify(report)}\n`);
              return;
            }
            const line = (name: string, c: typeof report.with) => `${name}: ${c.merges} merged, ${c.breaks} broke, of ${c.fills} fills (${(100 * c.rate).toFixed(1)}%)`;
            process.stdout.write(`${line('without the rule', report.without)}\n${line('with the rule', report.with)}\n`);
          } finally {
            maria.dispose();
          }
        },
        { json: () => flags.json === true },
      ),
    );
}
