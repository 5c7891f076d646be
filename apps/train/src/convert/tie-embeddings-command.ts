import type { Command } from 'commander';
import { InvalidArgumentError } from '@maria-ts/core';
import { runMain } from '@maria-ts/cli-kit';
import type { StoredDtype } from '@maria-ts/backbones';
import { parseStoredDtype, TIE_INITS, tieEmbeddings, type TieInit } from '@maria-ts/trainer';

interface TieEmbeddingsFlags {
  from: string;
  out: string;
  init: TieInit;
  dtype: StoredDtype;
  json?: boolean;
}

function parseTieInit(value: string): TieInit {
  if (!(TIE_INITS as readonly string[]).includes(value)) throw new InvalidArgumentError('--init', value, TIE_INITS.join(' | '));
  return value as TieInit;
}

/** `maria-train tie-embeddings`: an untied Llama/OLMo checkpoint → a tied one, to train further. */
export function registerTieEmbeddingsCommand(program: Command): void {
  program
    .command('tie-embeddings')
    .description('write a tied-embedding copy of an untied Llama/OLMo checkpoint (one vocab matrix instead of two), a warm start for `pretrain --init-from`')
    .requiredOption('--from <dir>', 'untied checkpoint directory')
    .requiredOption('--out <dir>', 'directory for the tied checkpoint')
    .option('--init <kind>', `the tied matrix: ${TIE_INITS.join(' | ')} (of the input embedding and the output projection)`, parseTieInit, 'mean' as TieInit)
    .option('--dtype <dtype>', 'stored precision: F32 | F16 | BF16', parseStoredDtype, 'F32' as StoredDtype)
    .option('--json', 'print the result as JSON')
    .action((flags: TieEmbeddingsFlags) =>
      runMain(async () => {
        const result = await tieEmbeddings({ from: flags.from, out: flags.out, init: flags.init, dtype: flags.dtype });
        process.stdout.write(
          flags.json ? `${JSON.stringify(result)}\n` : `tie-embeddings: wrote ${result.out} (${result.modelType}, init ${result.init}, ${result.parametersSaved.toLocaleString('en-US')} parameters fewer)\n`,
        );
      }, { json: () => Boolean(flags.json) }),
    );
}
