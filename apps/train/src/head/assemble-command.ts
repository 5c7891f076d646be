import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { ENGINE_OPTION, integerOption, runMain } from '@maria-ts/cli-kit';
import type { StoredDtype } from '@maria-ts/backbones';
import { FRACTION_GATE_FILE, loadFractionGate, readFusionHeadConfig } from '@maria-ts/fusion-head';
import { exportMariaDirectory, parseStoredDtype, initialHead, parseHeadInit, type HeadInitChoice, loadBackbonePair } from '@maria-ts/trainer';


interface AssembleFlags {
  ar: string;
  mlm: string;
  diffusion?: string;
  head?: string;
  init: HeadInitChoice;
  seed: number;
  tokenizer?: string;
  out: string;
  dtype: StoredDtype;
  engine?: string;
  threads?: string;
  json?: boolean;
}

/**
 * `maria-train assemble`: AR + MLM (+ diffusion) checkpoints and a head (a trained head
 * directory, or a fresh PoE/random one) → one MARIA directory that `loadMariaModel` reads.
 * Each backbone's own tokenizer.json (Hugging Face folders have one) must pair with the
 * shared one, the AR's unless `--tokenizer` names another (see `loadBackbonePair`).
 */
export function registerAssembleCommand(program: Command): void {
  program
    .command('assemble')
    .description('write a MARIA directory (maria.json, tokenizer, ar/, mlm/, [diffusion/], head/) from backbone checkpoints and a head')
    .requiredOption('--ar <dir|id>', 'AR checkpoint, a pretraining run folder (its latest checkpoint), or a Hugging Face model id')
    .requiredOption('--mlm <dir|id>', 'MLM checkpoint, a pretraining run folder, or a Hugging Face model id')
    .option('--diffusion <dir|id>', 'masked-diffusion checkpoint, run folder or Hub id (the baseline encoder)')
    .option('--head <dir>', 'a trained head directory (refused unless recorded for these backbones)')
    .option('--init <kind>', 'head init when --head is not given: poe | random', parseHeadInit, 'poe')
    .option('--seed <n>', 'seed of a random head', integerOption('--seed', 0), 0)
    .option('--tokenizer <file>', "the shared tokenizer.json (its tokenizer_config.json is copied too); default: the AR checkpoint's own, else the MLM's, else the embedded tiny tokenizer")
    .requiredOption('--out <dir>', 'the MARIA directory to write (an existing MARIA directory is replaced)')
    .option('--dtype <dtype>', 'stored precision of backbones and head: F32 | F16 | BF16', parseStoredDtype, 'F32' as StoredDtype)
    .option(...ENGINE_OPTION)
    .option('--threads <n>', "wasm threads (a number or 'auto'; default 1)")
    .option('--json', 'print the result as JSON')
    .action((flags: AssembleFlags) =>
      runMain(async () => {
        await initEngine({ engine: flags.engine, threads: flags.threads ?? 1 });
        const pair = await loadBackbonePair({ ar: flags.ar, mlm: flags.mlm, diffusion: flags.diffusion }, flags.tokenizer);
        try {
          const head = await initialHead(pair, { init: flags.init, seed: flags.seed, from: flags.head });
          try {
            // A trained head keeps the record of how it was trained.
            const training = flags.head === undefined ? undefined : (await readFusionHeadConfig(flags.head)).training;
            // A head folder's fraction gate goes with it.
            const gate = flags.head === undefined ? null : await loadFractionGate(flags.head);
            const config = await exportMariaDirectory(pair, head, { out: flags.out, dtype: flags.dtype, ...(training ? { training } : {}), ...(gate ? { gate } : {}) }).finally(() => gate?.dispose());
            const summary = { out: flags.out, dtype: flags.dtype, head: flags.head ?? `init ${flags.init}`, fractionGate: gate ? FRACTION_GATE_FILE : null, ar: config.ar, mlm: config.mlm, diffusion: pair.sources.diffusion ?? null, tokenizer: config.tokenizer.fingerprint };
            process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `assemble: wrote ${flags.out} (AR ${config.ar.name} ${config.ar.contentHash?.slice(0, 12)}, MLM ${config.mlm.name} ${config.mlm.contentHash?.slice(0, 12)}, head ${summary.head}, ${flags.dtype})\n`);
          } finally {
            head.dispose();
          }
        } finally {
          pair.dispose();
          tf.disposeVariables();
        }
      }, { json: () => Boolean(flags.json) }),
    );
}
