import { Command } from 'commander';
import { ENGINE_OPTION, parseNumberList, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { forwardJson, forwardText } from '../forward/format-forward.js';
import { runForward } from '../forward/run-forward.js';
import type { CommandOutput } from '../output.js';

interface ForwardFlags {
  readonly model: string;
  readonly ids: string;
  readonly json?: boolean;
  readonly engine?: string;
  readonly threads?: string;
}

/**
 * `maria forward --model DIR --ids 1,2,3 [--json] [--engine auto|tensorflow|wasm|hybrid] [--threads N]`: hidden
 * states and logits of every position of one sequence (ARCHITECTURE.md §5.2). Bad input (missing
 * directory, malformed ids, an id outside the vocabulary) ends with one line on stderr
 * and a non-zero exit code.
 */
export function forwardCommand(output: CommandOutput): Command {
  return new Command('forward')
    .description('run a backbone on token ids and print hidden states and logits of every position')
    .requiredOption('--model <dir>', 'Hugging Face checkpoint directory (or Hub model id)')
    .requiredOption('--ids <ids>', 'comma-separated token ids, e.g. 1,2,3')
    .option('--json', 'print {"hidden": number[][], "logits": number[][] | null}')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action(async (flags: ForwardFlags) => {
      await runMain(
        async () => {
          const ids = parseNumberList('--ids', flags.ids, { integer: true, min: 0 });
          const result = await runForward({ model: flags.model, ids, engine: flags.engine, threads: flags.threads });
          output.stdout(flags.json ? `${forwardJson(result)}\n` : forwardText(result));
        },
        { json: () => flags.json === true },
      );
    });
}
