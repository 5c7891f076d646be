import { readFileSync } from 'node:fs';
/**
 * @maria-ts/train: the `maria-train` command, flags over `@maria-ts/trainer` (the library:
 * tokenizers, corpus shards, the training loop, pretraining and head training).
 */
import { Command } from 'commander';
import { registerCorpusCommand } from './corpus/corpus-command.js';
import { registerTokenizerCommand } from './tokenizer/tokenizer-command.js';
import { registerPretrainCommand } from './pretrain/pretrain-command.js';
import { registerAssembleCommand } from './head/assemble-command.js';
import { registerRandomCheckpointCommand } from './random-checkpoint/random-checkpoint-command.js';
import { registerHeadCommand } from './head/head-command.js';
import { registerEvalLmCommand } from './eval-lm/eval-lm-command.js';
import { registerEvalMlmCommand } from './eval-mlm/eval-mlm-command.js';
import { registerTieEmbeddingsCommand } from './convert/tie-embeddings-command.js';


/** This app's version, from its package.json (../package.json from this file in both src/ and dist/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The `maria-train` program with every subcommand registered; later subcommands (pretrain, head) register here too. */
export function createProgram(): Command {
  const program = new Command('maria-train').description('MARIA-TS training: tokenizer, corpus shards, pretraining and head training').version(packageVersion());
  registerTokenizerCommand(program);
  registerCorpusCommand(program);
  registerPretrainCommand(program);
  registerHeadCommand(program);
  registerAssembleCommand(program);
  registerEvalLmCommand(program);
  registerEvalMlmCommand(program);
  registerTieEmbeddingsCommand(program);
  registerRandomCheckpointCommand(program);
  return program;
}
