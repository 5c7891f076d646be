import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, initEngine, isARBackbone, type MLMBackbone } from '@maria-ts/core';
import { ENGINE_OPTION, integerOption, numberOption, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { loadBackbone } from '@maria-ts/backbones';
import { DEFAULT_CORPUS_DIRECTORY, openShards, type TokenBatch, scoreMaskedTokens } from '@maria-ts/trainer';



interface EvalMlmFlags {
  model: string;
  data: string;
  rate: number;
  batch: number;
  batches?: number;
  seed: number;
  engine?: string;
  threads?: string;
  json?: boolean;
}

/**
 * `maria-train eval-mlm`: masked-token loss and accuracy of an MLM (or MDLM) checkpoint on the
 * validation split of token shards, at a fixed masking rate (30% is the pretraining rate).
 */
export function registerEvalMlmCommand(program: Command): void {
  program
    .command('eval-mlm')
    .description('masked-token loss and accuracy of a masked-LM checkpoint on the validation shards at a fixed rate')
    .requiredOption('--model <dir>', 'MLM checkpoint directory')
    .option('--data <dir>', 'token shards from `maria-train corpus` (the validation split is scored)', DEFAULT_CORPUS_DIRECTORY)
    .option('--rate <x>', 'masking rate', numberOption('--rate', 0.001, 1), 0.3)
    .option('--batch <n>', 'sequences per forward pass', integerOption('--batch', 1), 16)
    .option('--batches <n>', 'batches to score (default: the whole validation split)', integerOption('--batches', 1))
    .option('--seed <n>', 'seed of the masks', integerOption('--seed', 0), 0)
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--json', 'print the result as JSON')
    .action((flags: EvalMlmFlags) =>
      runMain(async () => {
        await initEngine({ engine: flags.engine, threads: flags.threads });
        const started = performance.now();
        const shards = await openShards(flags.data);
        const backbone = await loadBackbone(flags.model);
        try {
          if (isARBackbone(backbone)) throw new CheckpointError(flags.model, `is a ${backbone.info.family} AR model; eval-mlm needs a masked LM`);
          const validation = shards.split('val');
          const available = Math.floor(validation.sequenceCount / flags.batch);
          const count = Math.min(flags.batches ?? available, available);
          function* batches(): Generator<TokenBatch> {
            for (let index = 0; index < count; index++) {
              const batch = validation.batchAt(index, { batchSize: flags.batch, shuffle: false });
              yield { ids: batch.ids, batch: batch.batchSize, length: batch.sequenceLength };
            }
          }
          const score = scoreMaskedTokens(backbone as MLMBackbone, batches(), { rate: flags.rate, seed: flags.seed });
          const result = { model: flags.model, data: flags.data, rate: flags.rate, sequences: count * flags.batch, ...score, seconds: (performance.now() - started) / 1000 };
          process.stdout.write(
            flags.json
              ? `${JSON.stringify(result)}\n`
              : `eval-mlm ${flags.model}: ${score.maskedTokens} masked tokens at rate ${flags.rate}: loss ${score.loss.toFixed(4)}, accuracy ${(100 * score.accuracy).toFixed(2)}%\n`,
          );
        } finally {
          shards.close();
          backbone.dispose();
          tf.disposeVariables();
        }
      }, { json: () => Boolean(flags.json) }),
    );
}
