import { readFileSync } from 'node:fs';
/**
 * @maria-ts/train: the `maria-train` command and the library behind it, so tests and other
 * tools can build tokenizers and token shards without spawning a process.
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

export * from './corpus/build-corpus.js';
export * from './corpus/document-format.js';
export * from './corpus/manifest.js';
export * from './corpus/normalize-text.js';
export * from './corpus/open-shards.js';
export * from './corpus/shard-writer.js';
export * from './corpus/validation-split.js';
export * from './tokenizer/build-tokenizer.js';
export * from './tokenizer/bpe-source.js';
export * from './tokenizer/fingerprint.js';
export * from './tokenizer/load-tokenizer.js';
export * from './tokenizer/special-tokens.js';
export * from './tokenizer/tokens-per-word.js';
export * from './tokenizer/truncate-bpe.js';
export * from './trainer/train-loop.js';
export * from './trainer/training-task.js';
export * from './trainer/checkpoint-store.js';
export * from './trainer/metrics-log.js';
export * from './pretrain/objectives.js';
export * from './pretrain/presets.js';
export * from './head/resolve-checkpoint.js';
export * from './head/load-backbone-pair.js';
export * from './head/initial-head.js';
export * from './head/export-maria.js';
export * from './head/head-task.js';
export * from './head/train-head.js';
export * from './convert/tie-embeddings.js';
export { HEAD_TRAINING_DEFAULTS } from './head/head-command.js';

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
