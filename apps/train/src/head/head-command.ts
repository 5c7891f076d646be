import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { initEngine, InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, integerOption, numberOption, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import type { StoredDtype } from '@maria-ts/backbones';
import { FractionGate } from '@maria-ts/fusion-head';
import { DEFAULT_CORPUS_DIRECTORY, openShards, type OpenShardsOptions, tokenizerFingerprint, parseStoredDtype, initialHead, parseHeadInit, type HeadInitChoice, loadBackbonePair, resolveCheckpointDir, applyHeadPreset, parseHeadPreset, type HeadPresetName, type HeadPresetSettings, DEFAULT_HEAD_MASKING, HEAD_TRAINING_DEFAULTS, trainHead } from '@maria-ts/trainer';

import { addTrainerOptions, trainerOptionsFromFlags, type TrainerFlags } from '../trainer/trainer-flags.js';






interface HeadFlags extends TrainerFlags {
  ar: string;
  mlm: string;
  diffusion?: string;
  head?: string;
  init: HeadInitChoice;
  preset?: HeadPresetName;
  maskAlpha: number;
  maskBeta: number;
  data: string;
  validationData?: string;
  decayToInit: boolean;
  patience?: number;
  fractionGate: boolean;
  gateOnly: boolean;
  tokenizer?: string;
  out: string;
  export?: string;
  dtype: StoredDtype;
  engine?: string;
  threads?: string;
  progress: boolean;
  json?: boolean;
}


/** `maria-train head`: train the fusion head on frozen AR and MLM backbones, then optionally export a MARIA directory. */
export function registerHeadCommand(program: Command): void {
  const command = program
    .command('head')
    .description('train the MARIA fusion head on frozen backbones (Beta(2.5,2.5) masking by default, AdamW, warm-up + cosine), resumable; --export writes a MARIA directory')
    .requiredOption('--ar <dir|id>', 'AR checkpoint, a pretraining run folder (its latest checkpoint), or a Hugging Face model id')
    .requiredOption('--mlm <dir|id>', 'MLM checkpoint, a pretraining run folder, or a Hugging Face model id')
    .option('--diffusion <dir|id>', 'masked-diffusion checkpoint, run folder or Hub id to include in the --export (not used in training)')
    .option('--head <dir>', 'start from this head directory (or head run folder) instead of a fresh init')
    .option('--init <kind>', 'fresh head init: poe | random', parseHeadInit, 'poe')
    .option('--preset <name>', 'a training recipe; flags given explicitly override it. paper: Beta(2.5,2.5) masking, lr 5e-5, cosine, effective batch 32 (--batch 8 × --accumulation 4)', parseHeadPreset)
    .option('--mask-alpha <x>', 'α of the Beta(α, β) masking rate (the paper: 2.5)', numberOption('--mask-alpha', 1e-3, 1e3), DEFAULT_HEAD_MASKING.alpha)
    .option('--mask-beta <x>', 'β of the Beta(α, β) masking rate (the paper: 2.5; α=β=1 is uniform, α > β favours high rates)', numberOption('--mask-beta', 1e-3, 1e3), DEFAULT_HEAD_MASKING.beta)
    .option('--data <dir>', 'token shards from `maria-train corpus`', DEFAULT_CORPUS_DIRECTORY)
    .option('--validation-data <dir>', 'validate on these token shards (text from another source than --data) instead of --data\'s validation split')
    .option('--decay-to-init', 'weight decay pulls W3 toward the head the run started from (the PoE init) instead of toward 0', false)
    .option('--patience <n>', 'stop early after n validation passes without improvement; the best head is kept and exported', integerOption('--patience', 1))
    .option('--fraction-gate', 'opt-in, beyond the paper: also train a gate on both halves from the masked fraction f, α(f)·AR half + g(f)·MLM half with α = exp(p + q·f), g = 2σ(a + c·f) (starts at α = g = 1, plain MARIA); saved as fraction-gate.json in the head folder', false)
    .option('--gate-only', 'fit only the fraction gate on top of the frozen head given by --head (implies --fraction-gate); the head is saved unchanged beside the gate', false)
    .option('--tokenizer <file>', "the shared tokenizer.json (default: the AR checkpoint's own tokenizer.json, else the MLM's, else the embedded tiny model's); --data must be tokenized with it")
    .option('--out <dir>', 'run folder (checkpoints, metrics.jsonl, loss.svg)', 'runs/head');
  addTrainerOptions(command, {
    defaults: HEAD_TRAINING_DEFAULTS,
    help: { weightDecay: 'AdamW decoupled weight decay (pulls W3 towards 0, or with --decay-to-init towards the starting head)', evalBatches: 'validation batches per pass (fixed masks)', seed: 'seed of the data order, masks and a random init' },
  });
  command
    .option('--export <dir>', 'write a MARIA directory (tokenizer, backbones, trained head) here when training completes')
    .option('--dtype <dtype>', 'stored precision of the export: F32 | F16 | BF16', parseStoredDtype, 'F32' as StoredDtype)
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action((parsed: HeadFlags, self: Command) =>
      runMain(async () => {
        const presetKeys: (keyof HeadPresetSettings)[] = ['lr', 'batch', 'accumulation', 'maskAlpha', 'maskBeta'];
        const flags = applyHeadPreset(parsed, parsed.preset, new Set(presetKeys.filter((key) => self.getOptionValueSource(key) === 'cli')));
        if (flags.gateOnly && flags.head === undefined) throw new InvalidArgumentError('--gate-only', true, 'a trained head to fit the gate on: add --head <dir>');
        if (flags.gateOnly && flags.decayToInit) throw new InvalidArgumentError('--decay-to-init', true, 'not with --gate-only: the head is frozen and the gate is not decayed');
        await initEngine({ engine: flags.engine, threads: flags.threads });
        const loadPair = () => loadBackbonePair({ ar: flags.ar, mlm: flags.mlm, diffusion: flags.diffusion }, flags.tokenizer);
        // With --tokenizer the corpora are checked first (cheap); without it the shared
        // tokenizer is the pair's (the AR checkpoint's own, as Hugging Face folders have one).
        const early = flags.tokenizer === undefined ? await loadPair() : undefined;
        const expected = early ? { fingerprint: tokenizerFingerprint(early.tokenizer.json) } : flags.tokenizer;
        const corpora = await openCorpora(flags.data, flags.validationData, expected).catch((error: unknown) => {
          early?.dispose();
          throw error;
        });
        const { shards, validationShards } = corpora;
        const pair = early ?? (await loadPair().catch((error: unknown) => {
          shards.close();
          validationShards?.close();
          throw error;
        }));
        try {
          const from = flags.head === undefined ? undefined : await resolveCheckpointDir(flags.head);
          const head = await initialHead(pair, { init: flags.init, seed: flags.seed, from });
          const gate = flags.fractionGate || flags.gateOnly ? new FractionGate() : undefined;
          try {
            const result = await trainHead(pair, head, shards, {
              out: flags.out,
              batch: flags.batch,
              init: flags.init,
              from,
              masking: { alpha: flags.maskAlpha, beta: flags.maskBeta },
              decayToInit: flags.decayToInit,
              ...(validationShards ? { validationShards } : {}),
              ...(flags.patience !== undefined ? { patience: flags.patience } : {}),
              ...(gate ? { gate } : {}),
              ...(flags.gateOnly ? { gateOnly: true } : {}),
              resume: flags.resume,
              exportDir: flags.export,
              exportDtype: flags.dtype,
              progress: flags.progress && !flags.json ? `head ${flags.init}` : false,
              trainer: trainerOptionsFromFlags(flags),
            });
            const { metrics: _metrics, exported, ...rest } = result;
            const summary = { ...rest, ...(gate ? { fractionGate: gate.values() } : {}), out: flags.out, init: from === undefined ? flags.init : 'head', from: from ?? null, preset: flags.preset ?? null, batch: flags.batch, accumulation: flags.accumulation, learningRate: flags.lr, masking: { kind: 'beta', alpha: flags.maskAlpha, beta: flags.maskBeta }, ar: pair.sources.ar, mlm: pair.sources.mlm, diffusion: pair.sources.diffusion ?? null, export: exported ? flags.export : null };
            process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `head: ${JSON.stringify(summary)}\n`);
          } finally {
            head.dispose();
            gate?.dispose();
          }
        } finally {
          pair.dispose();
          shards.close();
          validationShards?.close();
          tf.disposeVariables();
        }
      }, { json: () => Boolean(parsed.json) }),
    );
}

/** Opens the training token shards and the optional validation ones, both checked against the tokenizer the head trains with. */
async function openCorpora(data: string, validationData: string | undefined, tokenizer: OpenShardsOptions['tokenizer']) {
  const shards = await openShards(data, { tokenizer });
  const validationShards = validationData === undefined ? undefined : await openShards(validationData, { tokenizer }).catch((error: unknown) => {
    shards.close();
    throw error;
  });
  return { shards, validationShards };
}

