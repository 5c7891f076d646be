import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { initEngine, writeFileAtomic } from '@maria-ts/core';
import { ENGINE_OPTION, parseNumberList, parseOneNumber, runMain } from '@maria-ts/cli-kit';
import { writeVegaLiteSvg } from '@maria-ts/eval';
import { opsChartSpec, opsSpeedups, runOpsBench, type OpsReport, type OpsRow } from '@maria-ts/benchmarks';

interface OpsFlags {
  readonly threads?: string;
  readonly engine?: string;
  readonly json?: boolean;
  readonly out: string;
  readonly repeats: string;
  readonly stepRepeats: string;
  readonly warmup: string;
  readonly child?: boolean;
}

/** Runs this same command in a fresh process with one thread count (the wasm module loads once per process). */
function runChild(threads: number, flags: OpsFlags): Promise<OpsRow[]> {
  const script = process.argv[1];
  if (!script) throw new Error('cannot locate the maria-bench entry script to start a child process');
  const args = [...process.execArgv, script, 'ops', '--child', '--json', '--threads', String(threads), '--repeats', flags.repeats, '--step-repeats', flags.stepRepeats, '--warmup', flags.warmup];
  if (flags.engine) args.push('--engine', flags.engine);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the ${threads}-thread benchmark process exited with code ${code}`));
      try {
        resolve((JSON.parse(stdout) as { rows: OpsRow[] }).rows);
      } catch {
        reject(new Error(`the ${threads}-thread benchmark process printed no JSON`));
      }
    });
  });
}

function printTable(report: OpsReport): void {
  const lines = [`${'op'.padEnd(44)}${'impl'.padEnd(9)}${'threads'.padEnd(10)}${'rate'.padEnd(30)}s/run`];
  for (const row of report.rows) {
    const rate = [row.gflops !== undefined ? `${row.gflops} GFLOP/s` : '', row.tokensPerSecond !== undefined ? `${row.tokensPerSecond} tok/s` : ''].filter(Boolean).join(', ');
    lines.push(`${row.op.padEnd(44)}${row.impl.padEnd(9)}${String(row.threads).padEnd(10)}${rate.padEnd(30)}${row.secondsPerRun}`);
  }
  lines.push('', 'fast / builtin:');
  for (const s of report.speedups) lines.push(`  ${s.op} @ ${s.threads} thread(s): ${s.fastOverBuiltin}x`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function writeArtefacts(report: OpsReport, out: string): Promise<void> {
  await writeFileAtomic(path.join(out, 'ops.json'), `${JSON.stringify(report, null, 2)}\n`);
  const threadCounts = [...new Set(report.rows.map((row) => row.threads))];
  if (threadCounts.length < 2) return;
  await writeVegaLiteSvg(path.join(out, 'ops-threads.svg'), opsChartSpec(report.rows));
}

/** `maria-bench ops`: the micro-benchmark of the tensor runtime (ARCHITECTURE.md §2.2, §5.6). */
export function opsCommand(): Command {
  return new Command('ops')
    .description('GFLOP/s of matmuls and of a transformer training step (and its tokens/s), built-in tfjs ops vs ours, per thread count')
    .option('--threads <list>', 'comma-separated wasm thread counts; each runs in its own process (default: the engine default)')
    .option(...ENGINE_OPTION)
    .option('--json', 'print {"rows": [...]} on stdout')
    .option('--out <dir>', 'where to write ops.json and the chart', 'runs/bench/ops')
    .option('--repeats <n>', 'timed runs per matmul (median reported)', '5')
    .option('--step-repeats <n>', 'timed runs per training step (median reported)', '2')
    .option('--warmup <n>', 'untimed warm-up runs before each measurement', '1')
    .addOption(new Command().createOption('--child', 'internal: run one thread count and print JSON').hideHelp())
    .action((flags: OpsFlags) =>
      runMain(async () => {
        const benchOptions = {
          matmulRepeats: parseOneNumber('--repeats', flags.repeats, { integer: true, min: 1 }),
          stepRepeats: parseOneNumber('--step-repeats', flags.stepRepeats, { integer: true, min: 1 }),
          warmup: parseOneNumber('--warmup', flags.warmup, { integer: true, min: 0 }),
          onMeasure: flags.json ? undefined : (label: string) => process.stderr.write(`measuring ${label}...\n`),
        };
        const threadList = flags.threads ? parseNumberList('--threads', flags.threads, { integer: true, min: 1 }) : [];
        let rows: OpsRow[];
        if (threadList.length > 1) {
          rows = [];
          for (const threads of threadList) {
            if (!flags.json) process.stderr.write(`running with ${threads} thread(s) in a child process...\n`);
            rows.push(...(await runChild(threads, flags)));
          }
        } else {
          await initEngine({ engine: flags.engine, ...(threadList[0] ? { threads: threadList[0] } : {}) });
          rows = await runOpsBench(benchOptions);
        }
        if (flags.child) {
          process.stdout.write(`${JSON.stringify({ rows })}\n`);
          return;
        }
        const report: OpsReport = {
          rows,
          speedups: opsSpeedups(rows),
          environment: { node: process.version, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', date: new Date().toISOString() },
        };
        await writeArtefacts(report, flags.out);
        if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else printTable(report);
      }, { json: () => Boolean(flags.json) }),
    );
}
