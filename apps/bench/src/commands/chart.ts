import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { InvalidArgumentError } from '@maria-ts/core';
import { runMain } from '@maria-ts/cli-kit';
import { writeVegaLiteSvg } from '@maria-ts/eval';
import { chartFromResults } from '@maria-ts/benchmarks';

interface ChartFlags {
  readonly from: string[];
  readonly out?: string;
  readonly json?: boolean;
}

/** One redrawn chart: the results file it came from and the SVG written. */
interface ChartWritten {
  readonly from: string;
  readonly benchmark: string;
  readonly svg: string | null;
}

async function readResults(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InvalidArgumentError('--from', file, 'a readable results JSON file');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidArgumentError('--from', file, 'a file holding JSON');
  }
}

/**
 * `maria-bench chart --from FILE...`: redraws the chart of each results JSON a benchmark
 * wrote (ops, throughput, ppl, anneal, init-curves, elo), beside the file or under `--out`,
 * with the name the benchmark uses. No measurement runs, so committed results can be redrawn
 * when the charts change.
 */
export function chartCommand(): Command {
  return new Command('chart')
    .description('redraw the SVG chart of benchmark results JSON (ops, throughput, ppl, anneal, init-curves, elo) without re-running them')
    .requiredOption('--from <files...>', 'results JSON files written by maria-bench')
    .option('--out <dir>', 'where to write the SVGs (default: beside each JSON file)')
    .option('--json', 'print {"charts": [{"from", "benchmark", "svg"}]} on stdout')
    .action((flags: ChartFlags) =>
      runMain(async () => {
        const written: ChartWritten[] = [];
        for (const file of flags.from) {
          const chart = chartFromResults(await readResults(file), file);
          if (!chart) {
            written.push({ from: file, benchmark: 'ops', svg: null });
            continue;
          }
          const svg = path.join(flags.out ?? path.dirname(file), chart.svgName);
          await writeVegaLiteSvg(svg, chart.spec);
          written.push({ from: file, benchmark: chart.benchmark, svg });
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ charts: written })}\n`);
          return;
        }
        const lines = written.map((entry) => (entry.svg ? `${entry.from} (${entry.benchmark}) -> ${entry.svg}` : `${entry.from}: one thread count, no chart`));
        process.stdout.write(`${lines.join('\n')}\n`);
      }, { json: () => Boolean(flags.json) }),
    );
}
