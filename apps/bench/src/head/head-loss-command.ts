import path from 'node:path';
import { Command } from 'commander';
import { InvalidArgumentError, writeFileAtomic } from '@maria-ts/core';
import { ENGINE_OPTION, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { FRACTION_GATE_FILE, loadFractionGate } from '@maria-ts/fusion-head';
import { DEFAULT_CORPUS_DIRECTORY } from '@maria-ts/trainer';
import { runHeadLoss, type HeadLossReport } from '@maria-ts/benchmarks';
import { withBenchModel } from '../ppl/with-bench-model.js';

interface HeadLossFlags {
  readonly model?: string;
  readonly data: string;
  readonly rate: string;
  readonly batches: string;
  readonly batch: string;
  readonly seed: string;
  readonly fractionGate?: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly out: string;
  readonly progress: boolean;
  readonly json?: boolean;
}

/**
 * `maria-bench head-loss`: the validation masked-token loss of MARIA vs the AR model alone vs
 * the MLM alone at one masking rate, on the same masked tokens of the corpus's validation
 * split (MARIA vs AR vs MLM at rate 0.5, from one command).
 */
export function headLossCommand(): Command {
  return new Command('head-loss')
    .description('validation masked-token loss of MARIA vs the AR model alone vs the MLM alone at one masking rate (same masked tokens)')
    .option('--model <dir>', 'a MARIA directory; default: the embedded tiny model')
    .option('--data <dir>', 'token shards from `maria-train corpus` (their validation split is scored)', DEFAULT_CORPUS_DIRECTORY)
    .option('--rate <x>', 'fraction of each sequence masked (exactly ceil(rate·n) non-special positions)', '0.5')
    .option('--batches <n>', 'validation batches to score', '16')
    .option('--batch <n>', 'sequences per batch', '8')
    .option('--seed <n>', 'seed of the masks', '0')
    .option('--fraction-gate <dir>', 'also score the head with the fraction gate stored in this head folder (fraction-gate.json; row maria-gated)')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--out <dir>', 'where to write head-loss.json', 'runs/bench/head-loss')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print {"rows": [{method, loss, ppl, tokens}], "settings"} on stdout')
    .action((flags: HeadLossFlags) =>
      runMain(async () => {
        const rate = parseOneNumber('--rate', flags.rate);
        if (!(rate > 0 && rate <= 1)) throw new InvalidArgumentError('--rate', flags.rate, 'a number in (0, 1]');
        const batches = parseOneNumber('--batches', flags.batches, { integer: true, min: 1 });
        const batchSize = parseOneNumber('--batch', flags.batch, { integer: true, min: 1 });
        const seed = parseOneNumber('--seed', flags.seed, { integer: true, min: 0 });
        const gate = flags.fractionGate === undefined ? undefined : await loadFractionGate(flags.fractionGate);
        if (gate === null) throw new InvalidArgumentError('--fraction-gate', flags.fractionGate, `a head folder with ${FRACTION_GATE_FILE}`);
        const report: HeadLossReport = await withBenchModel('head-loss', { ...flags, progress: flags.progress && !flags.json }, { skipDiffusion: true }, (model, progress) =>
          runHeadLoss(model, { data: flags.data, rate, batchSize, batches, seed, modelName: flags.model ?? 'model-tiny (embedded)', progress, ...(gate ? { gate } : {}) }),
        ).finally(() => gate?.dispose());
        await writeFileAtomic(path.join(flags.out, 'head-loss.json'), `${JSON.stringify(report, null, 2)}\n`);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          const lines = [`masked-token loss at rate ${rate} on ${report.rows[0]?.tokens ?? 0} validation tokens of ${flags.data}:`, 'method      loss (nats)   ppl'];
          for (const row of report.rows) lines.push(`${row.method.padEnd(12)}${row.loss.toFixed(4).padEnd(14)}${row.ppl}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      }, { json: () => flags.json === true }),
    );
}
