import { Command } from 'commander';
import { ENGINE_OPTION, parseNumberList, parseOneNumber, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { runBenchDecode, type BenchDecodeReport } from '../bench-decode/run-bench-decode.js';
import type { CommandOutput } from '../output.js';

interface BenchDecodeFlags {
  readonly family: string;
  readonly layers: string;
  readonly hidden: string;
  readonly heads: string;
  readonly kvHeads?: string;
  readonly intermediate: string;
  readonly vocab: string;
  readonly prompt: string;
  readonly steps: string;
  readonly repeats: string;
  readonly logits?: boolean;
  readonly mergeRatio?: string;
  readonly smallChunk?: string;
  readonly seed: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly json?: boolean;
}

function table(report: BenchDecodeReport): string {
  const lines = [`model ${JSON.stringify(report.model)}`, `engine ${report.engine.name} (${report.engine.threads} thread${report.engine.threads === 1 ? '' : 's'})`, 'prompt  steps  prefill tok/s  decode tok/s (median)  chunks/layer'];
  for (const row of report.rows) {
    lines.push(
      `${String(row.promptLength).padStart(6)}  ${String(row.steps).padStart(5)}  ${row.prefillTokensPerSecond.toFixed(0).padStart(13)}  ${row.decodeTokensPerSecondMedian.toFixed(1).padStart(21)}  ${String(row.finalChunksPerLayer).padStart(12)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `maria bench-decode`: KV-cached decode tokens/s of a from-scratch decoder (default: the
 * 4-layer, 256-wide Llama of ARCHITECTURE.md §2.3), on the chosen engine.
 */
export function benchDecodeCommand(output: CommandOutput): Command {
  return new Command('bench-decode')
    .description('measure KV-cached decode tokens/s of a freshly initialised decoder')
    .option('--family <name>', 'llama, olmo or gpt2', 'llama')
    .option('--layers <n>', 'transformer blocks', '4')
    .option('--hidden <n>', 'model width', '256')
    .option('--heads <n>', 'attention heads', '4')
    .option('--kv-heads <n>', 'key/value heads (default: --heads)')
    .option('--intermediate <n>', 'MLP width', '688')
    .option('--vocab <n>', 'vocabulary size', '8192')
    .option('--prompt <lengths>', 'comma-separated prompt lengths prefilled before timing', '16,512,1920')
    .option('--steps <n>', 'timed single-token steps', '128')
    .option('--repeats <n>', 'runs per prompt length (the median is reported)', '3')
    .option('--logits', 'also project every step to vocabulary logits')
    .option('--merge-ratio <r>', 'KV cache merge ratio (default: the cache default)')
    .option('--small-chunk <n>', 'KV cache small-chunk threshold (default: the cache default)')
    .option('--seed <n>', 'seed of the weights and ids', '0')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--json', 'print the report as JSON')
    .action(async (flags: BenchDecodeFlags) => {
      await runMain(
        async () => {
          const heads = parseOneNumber('--heads', flags.heads, { integer: true, min: 1 });
          const report = await runBenchDecode({
            family: flags.family,
            layers: parseOneNumber('--layers', flags.layers, { integer: true, min: 1 }),
            hidden: parseOneNumber('--hidden', flags.hidden, { integer: true, min: 1 }),
            heads,
            keyValueHeads: flags.kvHeads ? parseOneNumber('--kv-heads', flags.kvHeads, { integer: true, min: 1 }) : heads,
            intermediate: parseOneNumber('--intermediate', flags.intermediate, { integer: true, min: 1 }),
            vocab: parseOneNumber('--vocab', flags.vocab, { integer: true, min: 1 }),
            promptLengths: parseNumberList('--prompt', flags.prompt, { integer: true, min: 1 }),
            steps: parseOneNumber('--steps', flags.steps, { integer: true, min: 1 }),
            repeats: parseOneNumber('--repeats', flags.repeats, { integer: true, min: 1 }),
            withLogits: flags.logits === true,
            ...(flags.mergeRatio ? { mergeRatio: parseOneNumber('--merge-ratio', flags.mergeRatio, { min: 2 }) } : {}),
            ...(flags.smallChunk ? { smallChunk: parseOneNumber('--small-chunk', flags.smallChunk, { integer: true, min: 0 }) } : {}),
            seed: parseOneNumber('--seed', flags.seed, { integer: true, min: 0 }),
            ...(flags.engine ? { engine: flags.engine } : {}),
            ...(flags.threads ? { threads: flags.threads } : {}),
          });
          output.stdout(flags.json ? `${JSON.stringify(report)}\n` : table(report));
        },
        { json: () => flags.json === true },
      );
    });
}
