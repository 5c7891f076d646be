import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { initEngine, InvalidArgumentError, log, writeFileAtomic } from '@maria-ts/core';
import { ENGINE_OPTION, parseNumberList, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { writeVegaLiteSvg } from '@maria-ts/eval';
import { DEFAULT_DIFFUSION_STEPS, infillMethods, type InfillMethod } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';
import { parseEngineConfigurations, runThroughputBench, throughputChartSpec, throughputRatios, type ThroughputEnginesReport, type ThroughputReport, type ThroughputRow } from '@maria-ts/benchmarks';
import { engineArgs, runBenchChild } from '../engines/bench-child.js';

interface ThroughputFlags {
  readonly lengths: string;
  readonly maskRate: string;
  readonly methods: string;
  readonly runs: string;
  readonly warmup: string;
  readonly diffusionSteps: string;
  readonly seed: string;
  readonly temperature: string;
  readonly engines?: string;
  readonly model?: string;
  readonly threads?: string;
  readonly engine?: string;
  readonly json?: boolean;
  readonly out: string;
}

function parseMethods(text: string): InfillMethod[] {
  const known = infillMethods();
  const methods = text.split(',').map((name) => name.trim());
  for (const method of methods) if (!(known as string[]).includes(method)) throw new InvalidArgumentError('--methods', text, `a comma-separated list of ${known.join(', ')}`);
  return methods as InfillMethod[];
}

function printTable(report: ThroughputReport): void {
  const lines = ['method     length   masked   calls    s/infill    tokens/s'];
  for (const row of report.rows) {
    lines.push(`${row.method.padEnd(11)}${String(row.length).padEnd(9)}${String(row.maskedTokens).padEnd(9)}${String(row.decoderCalls).padEnd(9)}${String(row.seconds).padEnd(12)}${row.tokensPerSecond}`);
  }
  if (report.ratios.length) lines.push('', 'maria / baseline (tokens/s):');
  for (const ratio of report.ratios) lines.push(`  length ${ratio.length}: maria / ${ratio.baseline} = ${ratio.mariaOverBaseline}x`);
  if (report.rows.some((row) => row.encoder === 'mlm')) lines.push('', 'note: the model has no diffusion encoder; the diffusion rows denoise with the MLM (same cost per step).');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The configurations `--engines all` means: wasm and hybrid (wasm decode, TensorFlow passes) on
 * one thread and on every core (up to 2 here), then native TensorFlow. An engine that is not
 * installed is reported as not run.
 */
function allConfigurations(): string {
  return os.availableParallelism() > 1 ? 'wasm:1,wasm:2,hybrid:1,hybrid:2,tensorflow' : 'wasm:1,hybrid:1,tensorflow';
}

function printEnginesTable(report: ThroughputEnginesReport): void {
  const lines = ['engine        method     length   masked   s/infill    tokens/s'];
  for (const { configuration, report: one } of report.configurations) {
    for (const row of one.rows) lines.push(`${configuration.label.padEnd(14)}${row.method.padEnd(11)}${String(row.length).padEnd(9)}${String(row.maskedTokens).padEnd(9)}${String(row.seconds).padEnd(12)}${row.tokensPerSecond}`);
  }
  for (const failure of report.failed) lines.push(`${failure.label}: not run (${failure.reason})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function writeArtefacts(report: ThroughputReport, out: string): Promise<void> {
  await writeFileAtomic(path.join(out, 'throughput.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeVegaLiteSvg(path.join(out, 'throughput.svg'), throughputChartSpec(report.rows, report.settings));
}

/**
 * `maria-bench throughput` (Figure 3, ARCHITECTURE.md §5.5): filled tokens per second of MARIA vs
 * MLM AR-decode vs masked diffusion at each length, one sequence at a time. Writes
 * throughput.json and throughput.svg under `--out`.
 */
export function throughputCommand(): Command {
  return new Command('throughput')
    .description('infill throughput (filled tokens/s) of MARIA and the baselines against sequence length; writes JSON and an SVG chart')
    .option('--lengths <list>', 'comma-separated sequence lengths', '64,128,256,512')
    .option('--mask-rate <rate>', 'fraction of positions masked (exactly round(rate·length))', '0.5')
    .option('--methods <list>', `comma-separated methods: ${infillMethods().join(', ')}`, 'maria,mlm,diffusion')
    .option('--runs <n>', 'timed runs per cell (median reported)', '3')
    .option('--warmup <n>', 'untimed runs before each cell', '2')
    .option('--diffusion-steps <n>', 'denoising steps of diffusion; a sequence with fewer masked tokens takes one step per masked token', String(DEFAULT_DIFFUSION_STEPS))
    .option('--seed <n>', 'seed of the sequences, masks and sampling', '0')
    .option('--temperature <t>', 'sampling temperature; 0 is greedy (as the PyTorch peer decodes)', '1')
    .option('--engines <list>', "run each configuration in its own process and report them all: 'all' or a list such as 'wasm:1,hybrid:1,tensorflow'")
    .option('--model <dir>', 'a MARIA directory; default: the embedded tiny model')
    .option(...THREADS_OPTION)
    .option(...ENGINE_OPTION)
    .option('--json', 'print {"rows": [{method, length, tokensPerSecond, ...}], ...} on stdout')
    .option('--out <dir>', 'where to write throughput.json and throughput.svg', 'runs/bench/throughput')
    .action((flags: ThroughputFlags) =>
      runMain(
        async () => {
          const lengths = parseNumberList('--lengths', flags.lengths, { integer: true, min: 1 });
          const maskRate = parseOneNumber('--mask-rate', flags.maskRate);
          if (!(maskRate > 0 && maskRate <= 1)) throw new InvalidArgumentError('--mask-rate', flags.maskRate, 'a number in (0, 1]');
          const methods = parseMethods(flags.methods);
          const runs = parseOneNumber('--runs', flags.runs, { integer: true, min: 1 });
          const warmup = parseOneNumber('--warmup', flags.warmup, { integer: true, min: 0 });
          const diffusionSteps = parseOneNumber('--diffusion-steps', flags.diffusionSteps, { integer: true, min: 1 });
          const seed = parseOneNumber('--seed', flags.seed, { integer: true, min: 0 });
          const temperature = parseOneNumber('--temperature', flags.temperature, { min: 0 });
          if (flags.engines !== undefined) {
            if (flags.engine !== undefined || flags.threads !== undefined) throw new InvalidArgumentError('--engines', flags.engines, 'without --engine or --threads (each configuration names its engine and threads)');
            const configurations = parseEngineConfigurations(flags.engines === 'all' ? allConfigurations() : flags.engines);
            const passed = ['--lengths', flags.lengths, '--mask-rate', flags.maskRate, '--methods', flags.methods, '--runs', flags.runs, '--warmup', flags.warmup, '--diffusion-steps', flags.diffusionSteps, '--seed', flags.seed, '--temperature', flags.temperature, ...(flags.model ? ['--model', flags.model] : [])];
            const report: { configurations: ThroughputEnginesReport['configurations'][number][]; failed: ThroughputEnginesReport['failed'][number][] } = { configurations: [], failed: [] };
            for (const configuration of configurations) {
              if (!flags.json) log(`${configuration.label}: throughput`);
              try {
                const one = await runBenchChild<ThroughputReport>(['throughput', '--json', ...engineArgs(configuration), ...passed, '--out', path.join(flags.out, configuration.label)], `${configuration.label} throughput`);
                report.configurations.push({ configuration, report: one });
              } catch (error) {
                report.failed.push({ label: configuration.label, reason: (error as Error).message });
              }
            }
            await writeFileAtomic(path.join(flags.out, 'throughput-engines.json'), `${JSON.stringify(report, null, 2)}\n`);
            if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
            else printEnginesTable(report);
            return;
          }
          const threads = flags.threads === undefined ? undefined : parseOneNumber('--threads', flags.threads, { integer: true, min: 1 });
          const engine = await initEngine({ ...(flags.engine ? { engine: flags.engine } : {}), ...(threads ? { threads } : {}) });
          const model = await loadMariaOrTiny(flags.model);
          let rows: ThroughputRow[];
          try {
            rows = await runThroughputBench(model, {
              lengths,
              maskRate,
              methods,
              runs,
              warmup,
              diffusionSteps,
              seed,
              temperature,
              onMeasure: flags.json ? undefined : (method, length) => process.stderr.write(`measuring ${method} at length ${length}...\n`),
            });
          } finally {
            model.dispose();
          }
          const report: ThroughputReport = {
            rows,
            ratios: throughputRatios(rows),
            settings: { maskRate, runs, warmup, diffusionSteps, model: flags.model ?? 'model-tiny (embedded)', seed, temperature },
            environment: { node: process.version, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))), engine, date: new Date().toISOString() },
          };
          await writeArtefacts(report, flags.out);
          if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
          else printTable(report);
        },
        { json: () => flags.json === true },
      ),
    );
}
