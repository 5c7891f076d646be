import { Command } from 'commander';
import { InvalidArgumentError } from '@maria-ts/core';
import { DATA_DIR_OPTION, ENGINE_OPTION, parseOneNumber, requireDataPath, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { withBenchModel, type BenchModelFlags } from '../ppl/with-bench-model.js';
import { posMarkdown, runPosBench, type PosBenchReport } from '@maria-ts/benchmarks';

interface PosFlags extends BenchModelFlags {
  readonly train?: string;
  readonly test?: string;
  readonly dataDir?: string;
  readonly trainSentences?: string;
  readonly testSentences?: string;
  readonly epochs: string;
  readonly batchSize: string;
  readonly lr: string;
  readonly maxTokens: string;
}

function humanSummary(report: PosBenchReport): string {
  const words = report.rows[0];
  const lines = [
    `POS probe (linear, CoNLL-2003), model ${report.config.model}: trained on ${report.trainSentences} sentences (${words?.trainWords ?? 0} words), tested on ${report.testSentences} (${words?.testWords ?? 0} words), ${report.tags.length} tags, ${report.config.epochs} epochs, seed ${report.config.seed}.`,
    '',
    posMarkdown(report),
  ];
  if (report.files) lines.push(`wrote ${report.files.json}, ${report.files.markdown}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `maria-bench pos`: the POS probe of paper Table 3: linear classifiers on frozen per-token
 * features (the MLM's h_MLM, MARIA's [h_AR ; h_MLM]) trained on CoNLL-2003 eng.train and
 * scored on eng.testb.
 */
export function posCommand(): Command {
  return new Command('pos')
    .description('linear POS probe on frozen MLM and MARIA features (CoNLL-2003, paper Table 3)')
    .option('--train <file>', 'CoNLL-2003 training file (default: eval/conll2003/eng.train in the data folder)')
    .option('--test <file>', 'CoNLL-2003 test file (default: eval/conll2003/eng.testb in the data folder)')
    .option(...DATA_DIR_OPTION)
    .option('--train-sentences <n>', 'training sentences to subsample (default all)')
    .option('--test-sentences <n>', 'test sentences to subsample (default all)')
    .option('--seed <n>', 'seed of the subsamples and the probe', '0')
    .option('--model <dir>', 'MARIA directory (default: the embedded tiny model)')
    .option('--epochs <n>', 'probe training epochs', '3')
    .option('--batch-size <n>', 'probe mini-batch (words)', '256')
    .option('--lr <rate>', 'probe AdamW learning rate', '0.01')
    .option('--max-tokens <n>', 'subword tokens per sentence (later words are dropped)', '256')
    .option('--batch-tokens <tokens>', 'most tokens per forward pass', '2048')
    .option('--out <dir>', 'where pos.json and pos.md go', 'runs/bench/pos')
    .option('--no-write', 'write no files')
    .option('--json', 'print the result as JSON on stdout')
    .option('--no-progress', 'no progress bar on stderr')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action((flags: PosFlags) =>
      runMain(async () => {
        const learningRate = parseOneNumber('--lr', flags.lr);
        if (!(learningRate > 0)) throw new InvalidArgumentError('--lr', flags.lr, 'a positive number');
        const options = {
          train: requireDataPath('--train', flags.train, { relative: 'eval/conll2003/eng.train', what: 'the CoNLL-2003 training file' }, flags.dataDir),
          test: requireDataPath('--test', flags.test, { relative: 'eval/conll2003/eng.testb', what: 'the CoNLL-2003 test file' }, flags.dataDir),
          ...(flags.trainSentences ? { trainSentences: parseOneNumber('--train-sentences', flags.trainSentences, { integer: true, min: 1 }) } : {}),
          ...(flags.testSentences ? { testSentences: parseOneNumber('--test-sentences', flags.testSentences, { integer: true, min: 1 }) } : {}),
          seed: parseOneNumber('--seed', flags.seed, { integer: true, min: 0 }),
          epochs: parseOneNumber('--epochs', flags.epochs, { integer: true, min: 1 }),
          batchSize: parseOneNumber('--batch-size', flags.batchSize, { integer: true, min: 1 }),
          learningRate,
          maxTokens: parseOneNumber('--max-tokens', flags.maxTokens, { integer: true, min: 1 }),
          maxBatchTokens: parseOneNumber('--batch-tokens', flags.batchTokens, { integer: true, min: 1 }),
          ...(flags.write ? { out: flags.out } : {}),
          modelName: flags.model ?? 'tiny (embedded)',
        };
        const report = await withBenchModel('pos', flags, { skipDiffusion: true }, async (model, progress) => {
          const result = await runPosBench(model, { ...options, progress });
          progress.stop();
          return result;
        });
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : humanSummary(report));
      }, { json: () => Boolean(flags.json) }),
    );
}
