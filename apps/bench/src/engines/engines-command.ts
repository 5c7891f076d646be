import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { initEngine, log, writeFileAtomic, type EngineInfo } from '@maria-ts/core';
import { ENGINE_OPTION, THREADS_OPTION, parseOneNumber, runMain } from '@maria-ts/cli-kit';
import { configurationMetrics, engineRatios, mergeMetrics, parseEngineConfigurations, runTrainingSteps, type EnginesReport, type OpsRow, type ThroughputRow, type TrainingStepRow } from '@maria-ts/benchmarks';
import { engineArgs, runBenchChild } from './bench-child.js';

interface EnginesFlags {
  readonly configs: string;
  readonly json?: boolean;
  readonly out: string;
  readonly repeats: string;
  readonly stepRepeats: string;
  readonly warmup: string;
  readonly lengths: string;
  readonly methods: string;
  readonly runs: string;
  readonly batch: string;
  readonly length: string;
  readonly childSteps?: boolean;
  readonly engine?: string;
  readonly threads?: string;
}

function printTable(report: EnginesReport): void {
  const labels = report.configurations.map((configuration) => configuration.label);
  const lines = [`${'metric'.padEnd(58)}${labels.map((label) => label.padStart(14)).join('')}  unit`];
  for (const metric of report.metrics) {
    lines.push(`${metric.metric.padEnd(58)}${labels.map((label) => String(metric.values[label] ?? '-').padStart(14)).join('')}  ${metric.unit}`);
  }
  const ratioNames = [...new Set(report.ratios.map((ratio) => ratio.ratio))];
  lines.push('', `${'ratios'.padEnd(58)}${ratioNames.map((name) => name.padStart(24)).join('')}`);
  for (const metric of report.metrics) {
    const values = ratioNames.map((name) => report.ratios.find((ratio) => ratio.metric === metric.metric && ratio.ratio === name)?.value);
    lines.push(`${metric.metric.padEnd(58)}${values.map((value) => (value === undefined ? '-' : `${value}x`).padStart(24)).join('')}`);
  }
  for (const failure of report.failed) lines.push(`${failure.label} did not run: ${failure.reason}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `maria-bench engines`: the engines side by side in one run — `ops`, `throughput`, a
 * pretraining step and a head-training step for each configuration (default wasm at 1 and 2
 * threads, native TensorFlow, and the hybrid engine at 1 thread), each in its own child
 * process, reported as ratios to the first configuration. A configuration that cannot start
 * is reported, not fatal.
 */
export function enginesCommand(): Command {
  return new Command('engines')
    .description('ops, infill throughput, a pretraining step and a head-training step on each engine configuration (wasm:1, wasm:2, tensorflow, hybrid:1), side by side as ratios')
    .option('--configs <list>', "comma-separated engine[:threads] configurations; the first is the ratios' baseline", 'wasm:1,wasm:2,tensorflow,hybrid:1')
    .option('--json', 'print the report on stdout')
    .option('--out <dir>', 'where to write engines.json', 'runs/bench/engines')
    .option('--repeats <n>', 'ops: timed runs per matmul', '5')
    .option('--step-repeats <n>', 'ops and training steps: timed runs per step (median reported)', '2')
    .option('--warmup <n>', 'untimed warm-up runs before each measurement', '1')
    .option('--lengths <list>', 'throughput: sequence lengths (half of each masked)', '128,512')
    .option('--methods <list>', 'throughput: infill methods (maria, mlm, diffusion, ar)', 'maria')
    .option('--runs <n>', 'throughput: timed runs per cell', '3')
    .option('--batch <n>', 'training steps: sequences per step', '8')
    .option('--length <n>', 'training steps: tokens per sequence', '128')
    .addOption(new Command().createOption('--child-steps', 'internal: time the training steps on one engine and print JSON').hideHelp())
    .addOption(new Command().createOption(...ENGINE_OPTION).hideHelp())
    .addOption(new Command().createOption(...THREADS_OPTION).hideHelp())
    .action((flags: EnginesFlags) =>
      runMain(
        async () => {
          const stepOptions = {
            batch: parseOneNumber('--batch', flags.batch, { integer: true, min: 1 }),
            length: parseOneNumber('--length', flags.length, { integer: true, min: 2 }),
            repeats: parseOneNumber('--step-repeats', flags.stepRepeats, { integer: true, min: 1 }),
            warmup: parseOneNumber('--warmup', flags.warmup, { integer: true, min: 0 }),
          };
          if (flags.childSteps) {
            const engine = await initEngine({ engine: flags.engine, ...(flags.threads ? { threads: flags.threads } : {}) });
            process.stdout.write(`${JSON.stringify({ engine, rows: await runTrainingSteps(stepOptions) })}\n`);
            return;
          }
          const configurations = parseEngineConfigurations(flags.configs);
          const perConfiguration = new Map<string, ReturnType<typeof configurationMetrics>>();
          const failed: { label: string; reason: string }[] = [];
          const engines: Record<string, EngineInfo | undefined> = {};
          for (const configuration of configurations) {
            const args = engineArgs(configuration);
            try {
              if (!flags.json) log(`${configuration.label}: training steps`);
              const steps = await runBenchChild<{ engine: EngineInfo; rows: TrainingStepRow[] }>(['engines', '--child-steps', ...args, '--batch', flags.batch, '--length', flags.length, '--step-repeats', flags.stepRepeats, '--warmup', flags.warmup], `${configuration.label} training steps`);
              engines[configuration.label] = steps.engine;
              if (!flags.json) log(`${configuration.label}: ops`);
              const ops = await runBenchChild<{ rows: OpsRow[] }>(['ops', '--child', '--json', ...args, '--repeats', flags.repeats, '--step-repeats', flags.stepRepeats, '--warmup', flags.warmup], `${configuration.label} ops`);
              if (!flags.json) log(`${configuration.label}: throughput`);
              const throughput = await runBenchChild<{ rows: ThroughputRow[] }>(
                ['throughput', '--json', ...args, '--lengths', flags.lengths, '--methods', flags.methods, '--runs', flags.runs, '--warmup', flags.warmup, '--out', path.join(flags.out, `throughput-${configuration.label}`)],
                `${configuration.label} throughput`,
              );
              perConfiguration.set(configuration.label, configurationMetrics(ops.rows, throughput.rows, steps.rows));
            } catch (error) {
              const reason = (error as Error).message;
              failed.push({ label: configuration.label, reason });
              log(`${configuration.label} did not run: ${reason}`);
            }
          }
          const labels = configurations.map((configuration) => configuration.label).filter((label) => perConfiguration.has(label));
          const metrics = mergeMetrics(perConfiguration);
          const report: EnginesReport = {
            configurations,
            failed,
            metrics,
            ratios: engineRatios(metrics, labels),
            engines,
            environment: { node: process.version, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', date: new Date().toISOString() },
          };
          await writeFileAtomic(path.join(flags.out, 'engines.json'), `${JSON.stringify(report, null, 2)}\n`);
          if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
          else printTable(report);
        },
        { json: () => flags.json === true },
      ),
    );
}
