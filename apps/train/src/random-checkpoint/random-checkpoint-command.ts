import type { Command } from 'commander';
import { integerOption, runMain } from '@maria-ts/cli-kit';
import type { StoredDtype } from '@maria-ts/backbones';
import { parseStoredDtype, paperPresets, writeRandomCheckpoint } from '@maria-ts/trainer';


interface RandomCheckpointFlags {
  preset: string;
  out: string;
  dtype: StoredDtype;
  seed: number;
  tokenizer?: string;
  json?: boolean;
}

/**
 * `maria-train random-checkpoint`: a random-weight checkpoint with the exact architecture of
 * one of the paper's backbones (`olmo-1b`, `modernbert-large`) or of an Ettin decoder or
 * encoder (`ettin-decoder-<size>`, `ettin-encoder-<size>`), in Hugging Face layout, to measure
 * the memory and speed of a real pair without its weights.
 */
export function registerRandomCheckpointCommand(program: Command): void {
  program
    .command('random-checkpoint')
    .description(`write a random-weight checkpoint in the exact architecture of a published backbone (${paperPresets.names().join(' | ')}) in Hugging Face layout`)
    .requiredOption('--preset <name>', paperPresets.names().join(' | '))
    .requiredOption('--out <dir>', 'the checkpoint directory to write (config.json, safetensors shards)')
    .option('--dtype <dtype>', 'stored precision: F32 | F16 | BF16', parseStoredDtype, 'BF16' as StoredDtype)
    .option('--seed <n>', 'seed of the random weights', integerOption('--seed', 0), 0)
    .option('--tokenizer <file>', 'a tokenizer.json to copy into the checkpoint (its tokenizer_config.json too)')
    .option('--json', 'print the summary as JSON')
    .action((flags: RandomCheckpointFlags) =>
      runMain(async () => {
        const preset = paperPresets.get(flags.preset);
        const started = performance.now();
        const summary = await writeRandomCheckpoint({
          config: preset.config,
          out: flags.out,
          dtype: flags.dtype,
          seed: flags.seed,
          ...(flags.tokenizer !== undefined ? { tokenizerFile: flags.tokenizer } : {}),
          onParameter: flags.json ? undefined : (name, done, total) => process.stderr.write(`\rrandom-checkpoint: ${done}/${total} ${name.slice(0, 60).padEnd(60)}`),
        });
        if (!flags.json) process.stderr.write('\n');
        const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
        const result = { ...summary, preset: flags.preset, source: preset.source, ...(preset.reference !== undefined ? { reference: preset.reference } : {}), seconds };
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(result)}\n`
            : `random-checkpoint: wrote ${flags.out} (${preset.source} shapes, ${(summary.parameters / 1e6).toFixed(1)}M parameters in ${summary.tensors} tensors, ${flags.dtype}, ${seconds} s)\n`,
        );
      }, { json: () => Boolean(flags.json) }),
    );
}
