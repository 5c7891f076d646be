import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { initEngine, InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { runServeLoad, type ServeLoadReport } from '@maria-ts/benchmarks';
import { createServer, loadServeEngine, type ModelSource } from '@maria-ts/server';

interface ServeLoadFlags {
  readonly model?: string;
  readonly randomModel?: string;
  readonly connections: string;
  readonly duration: string;
  readonly body?: string;
  readonly queueDepth: string;
  readonly maxBatch: string;
  readonly timeoutMs: string;
  readonly out: string;
  readonly json?: boolean;
  readonly engine?: string;
  readonly threads?: string;
}

/** The human summary of a load report. */
function formatReport(report: ServeLoadReport): string {
  const { requests, latencyMs, tensors, rssMB } = report;
  return [
    `${report.connections} clients × ${report.durationSeconds} s on POST /v1/infill (${report.server.model})`,
    `requests: ${requests.ok} ok, ${requests.rejected} rejected (503), ${requests.errors} errors; ${requests.perSecond} req/s`,
    `latency ms: p50 ${latencyMs.p50}, p90 ${latencyMs.p90}, p99 ${latencyMs.p99}, max ${latencyMs.max}`,
    `filled tokens/s: ${report.tokensPerSecond}; mean batch ${report.meanBatchSize}`,
    `tensors: ${tensors.before} → ${tensors.after}; RSS MB: ${rssMB.before} → ${rssMB.after} (peak ${rssMB.peak})`,
  ].join('\n');
}

/** `maria-bench serve-load`: the HTTP load test of `maria-serve` (127.0.0.1 only), as JSON. */
export function serveLoadCommand(): Command {
  return new Command('serve-load')
    .description('load-test maria-serve in process on 127.0.0.1: N concurrent clients on POST /v1/infill; latency, req/s, errors, tensors and RSS before/after')
    .option('--model <dir>', 'MARIA directory (default: the embedded tiny model)')
    .option('--random-model <seed>', 'a small random MARIA instead (measures the server, not a trained model)')
    .option('--connections <n>', 'concurrent clients', '32')
    .option('--duration <s>', 'seconds of load', '60')
    .option('--body <json>', 'the /v1/infill request body every client sends')
    .option('--queue-depth <n>', "the server's queue depth", '32')
    .option('--max-batch <n>', "the server's infill batch size", '8')
    .option('--timeout-ms <n>', "the server's per-request timeout", '60000')
    .option('--out <dir>', 'where to write serve-load.json', 'runs/bench/serve-load')
    .option('--json', 'print the report as JSON on stdout')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action((flags: ServeLoadFlags) =>
      runMain(
        async () => {
          let body: Record<string, unknown> | undefined;
          if (flags.body !== undefined) {
            try {
              body = JSON.parse(flags.body) as Record<string, unknown>;
            } catch {
              throw new InvalidArgumentError('--body', flags.body, 'a JSON object');
            }
          }
          await initEngine({ engine: flags.engine, threads: flags.threads });
          const source: ModelSource =
            flags.randomModel !== undefined ? { kind: 'random', seed: parseOneNumber('--random-model', flags.randomModel, { integer: true, min: 0 }) } : flags.model !== undefined ? { kind: 'directory', dir: flags.model } : { kind: 'tiny' };
          const engine = await loadServeEngine(source);
          const report = await runServeLoad({
            startServer: (limits) => createServer({ engine, ...limits, seed: 0 }),
            model: engine.name,
            connections: parseOneNumber('--connections', flags.connections, { integer: true, min: 1 }),
            durationSeconds: parseOneNumber('--duration', flags.duration, { integer: true, min: 1 }),
            maxQueued: parseOneNumber('--queue-depth', flags.queueDepth, { integer: true, min: 1 }),
            maxBatch: parseOneNumber('--max-batch', flags.maxBatch, { integer: true, min: 1 }),
            timeoutMs: parseOneNumber('--timeout-ms', flags.timeoutMs, { integer: true, min: 1 }),
            ...(body ? { body } : {}),
          });
          await mkdir(flags.out, { recursive: true });
          const file = path.join(flags.out, 'serve-load.json');
          await writeFile(file, `${JSON.stringify({ ...report, measuredAt: new Date().toISOString() }, null, 2)}\n`);
          process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\nwrote ${file}\n`);
        },
        { json: () => Boolean(flags.json) },
      ),
    );
}
