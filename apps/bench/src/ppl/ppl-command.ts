import { stat } from 'node:fs/promises';
import { Command } from 'commander';
import { InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, parseNumberList, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { maskedPplMarkdown, parseDatasetFormat, parseMaskedPplMethod } from '@maria-ts/eval';
import { runPplBench, type PplBenchReport } from '@maria-ts/benchmarks';
import { withBenchModel, type BenchModelFlags } from './with-bench-model.js';

interface PplFlags extends BenchModelFlags {
  readonly data: string;
  readonly format: string;
  readonly rates: string;
  readonly n: string;
  readonly methods?: string;
  readonly window: string;
  readonly k: string;
  readonly detokenize: boolean;
  readonly resume?: boolean;
  readonly fractionGate?: boolean;
}

function humanSummary(report: PplBenchReport): string {
  const { config } = report;
  const lines = [
    `Masked-infilling perplexity on ${config.data} (${config.format}), model ${config.model}${config.fractionGate ? ' (MARIA with its fraction gate)' : ''}: ${config.examples} windows of ≤${config.window} tokens, seed ${config.seed}, fixed-count masks${config.methods.includes('diffusion') ? `, diffusion K=${config.k}` : ''}.`,
    '',
    maskedPplMarkdown(report.rows),
  ];
  if (report.files) lines.push(`wrote ${report.files.json}, ${report.files.csv}, ${report.files.markdown}, ${report.files.chart}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `maria-bench ppl`: the masked-infilling perplexity table (paper Table 2, ARCHITECTURE.md §5.4):
 * MARIA's exact PPL against AR-only, MLM AR-decode and the masked-diffusion NELBO on the
 * same seeded masks at each rate.
 */
export function pplCommand(): Command {
  return new Command('ppl')
    .description('masked-infilling perplexity of MARIA and its baselines at several masking rates (paper Table 2)')
    .requiredOption('--data <file>', 'dataset file')
    .requiredOption('--format <format>', 'wikitext | lambada | agnews | lines')
    .option('--rates <list>', 'masking rates', '0.1,0.3,0.5,0.7,0.9')
    .option('--n <count>', 'windows to subsample', '500')
    .option('--methods <list>', 'subset of maria,ar,mlm,diffusion (default: all the model supports)')
    .option('--seed <n>', 'seed of the subsample, the masks and the diffusion t draws', '0')
    .option('--model <dir>', 'MARIA directory (default: the embedded tiny model)')
    .option('--window <tokens>', 'tokens per rolling window', '128')
    .option('--k <samples>', 'Monte Carlo samples of t for the diffusion NELBO', '8')
    .option('--batch-tokens <tokens>', 'most tokens per forward pass', '2048')
    .option('--no-detokenize', 'score WikiText with its tokenised spacing (wikitext format only)')
    .option('--out <dir>', 'where the JSON, CSV, Markdown table and SVG chart go', 'runs/bench/ppl')
    .option('--no-write', 'write no files')
    .option('--resume', 'reuse the cells a killed run of the same configuration saved under --out (<data>.partial.json)')
    .option('--fraction-gate', "opt-in, beyond the paper: score MARIA with the fraction gate in the model's head folder (maria-train head --gate-only); recorded in the config")
    .option('--json', 'print {"rows": [{method, rate, ppl, tokens, ...}], "config": ...} on stdout')
    .option('--no-progress', 'no progress bar on stderr')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action((flags: PplFlags) =>
      runMain(async () => {
        const format = parseDatasetFormat(flags.format);
        const rates = parseNumberList('--rates', flags.rates);
        for (const rate of rates) if (!(rate > 0 && rate <= 1)) throw new InvalidArgumentError('--rates', flags.rates, 'rates in (0, 1]');
        const methods = flags.methods?.split(',').map((name) => parseMaskedPplMethod(name.trim()));
        const options = {
          data: flags.data,
          format,
          rates,
          ...(methods ? { methods } : {}),
          n: parseOneNumber('--n', flags.n, { integer: true, min: 1 }),
          seed: parseOneNumber('--seed', flags.seed, { integer: true, min: 0 }),
          window: parseOneNumber('--window', flags.window, { integer: true, min: 2 }),
          k: parseOneNumber('--k', flags.k, { integer: true, min: 1 }),
          maxBatchTokens: parseOneNumber('--batch-tokens', flags.batchTokens, { integer: true, min: 1 }),
          detokenize: flags.detokenize,
          ...(flags.write ? { out: flags.out } : {}),
          resume: Boolean(flags.resume),
          modelName: flags.model ?? 'tiny (embedded)',
        };
        const file = await stat(flags.data).catch(() => undefined);
        if (!file?.isFile()) throw new InvalidArgumentError('--data', flags.data, 'an existing file');
        const report = await withBenchModel('ppl', flags, flags.fractionGate ? { fractionGate: true } : {}, async (model, progress) => {
          const result = await runPplBench(model, { ...options, progress, onNote: (line) => process.stderr.write(`${line}\n`) });
          progress.stop();
          return result;
        });
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : humanSummary(report));
      }, { json: () => Boolean(flags.json) }),
    );
}
