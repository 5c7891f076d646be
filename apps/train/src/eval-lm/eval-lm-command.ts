import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, initEngine, InvalidArgumentError, isARBackbone } from '@maria-ts/core';
import { ENGINE_OPTION, integerOption, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { parseWikitext } from '@maria-ts/eval';
import { loadBackbone, loadTokenizer } from '@maria-ts/backbones';
import { SingleBar } from 'cli-progress';
import { scoreWindows, rollingWindows } from '@maria-ts/trainer';

interface EvalLmFlags {
  model: string;
  data: string;
  format: EvalTextFormat;
  tokenizer?: string;
  window: number;
  stride?: number;
  batch: number;
  engine?: string;
  threads?: string;
  progress: boolean;
  json?: boolean;
}

/** The figures `maria-train eval-lm` reports. */
export interface LanguageModelEvaluation {
  readonly model: string;
  readonly data: string;
  /** How the file was read (see `EvalTextFormat`). */
  readonly format: EvalTextFormat;
  readonly tokens: number;
  /** Unicode code points of the scored text. */
  readonly characters: number;
  readonly bytes: number;
  readonly window: number;
  readonly stride: number;
  /** Mean next-token loss in nats. */
  readonly loss: number;
  readonly tokenPerplexity: number;
  /** Σ NLL / ln 2 / characters: comparable across tokenizers. */
  readonly bitsPerCharacter: number;
  readonly bitsPerByte: number;
  readonly seconds: number;
}

/**
 * How `eval-lm` reads its file: `raw`, the file as it is (WikiText-2's raw test keeps WikiText's
 * spacing, ` @-@ `, ` , `); `wikitext`, its articles in written form as the evaluation and the
 * corpus read them (`parseWikitext` of `@maria-ts/eval`), joined with a blank line. Bits per
 * character count the characters of the text scored.
 */
export type EvalTextFormat = 'raw' | 'wikitext';

/** The text `eval-lm` scores for a file's contents (see `EvalTextFormat`). */
export function evaluationText(text: string, format: EvalTextFormat): string {
  return format === 'raw' ? text : parseWikitext(text).join('\n\n');
}

function parseEvalTextFormat(value: string): EvalTextFormat {
  if (value === 'raw' || value === 'wikitext') return value;
  throw new InvalidArgumentError('--format', value, 'raw | wikitext');
}

/**
 * `maria-train eval-lm`: token perplexity and bits per character of an AR backbone on a raw
 * text file (e.g. WikiText-2 raw test), scored in rolling windows. Bits per character do not
 * depend on the tokenizer, so they compare models with different vocabularies.
 */
export function registerEvalLmCommand(program: Command): void {
  program
    .command('eval-lm')
    .description('token perplexity and bits per character of an AR checkpoint on a raw text file, in rolling windows')
    .requiredOption('--model <dir>', 'AR checkpoint directory (config.json, model.safetensors, tokenizer.json)')
    .requiredOption('--data <file>', 'raw UTF-8 text, scored as one stream (e.g. ../shared/data/eval/wikitext2_raw_test.txt)')
    .option('--format <format>', 'raw: score the file as it is; wikitext: its articles detokenized, as maria-bench ppl and the corpus read WikiText', parseEvalTextFormat, 'raw' as EvalTextFormat)
    .option('--tokenizer <file>', "tokenizer.json (default: the model directory's)")
    .option('--window <n>', 'tokens per window', integerOption('--window', 1), 128)
    .option('--stride <n>', 'tokens the window advances by (default: --window, i.e. no overlap)', integerOption('--stride', 1))
    .option('--batch <n>', 'windows per forward pass', integerOption('--batch', 1), 16)
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action((flags: EvalLmFlags) =>
      runMain(async () => {
        await initEngine({ engine: flags.engine, threads: flags.threads });
        const started = performance.now();
        const text = evaluationText(
          await readFile(flags.data, 'utf8').catch((error: NodeJS.ErrnoException) => {
            throw new CheckpointError(flags.data, `cannot read the data file (${error.code ?? error.message})`);
          }),
          flags.format,
        );
        const backbone = await loadBackbone(flags.model);
        try {
          if (!isARBackbone(backbone)) throw new CheckpointError(flags.model, `is a ${backbone.info.family} masked LM; eval-lm needs an AR checkpoint`);
          const tokenizer = await loadTokenizer(flags.tokenizer ?? flags.model);
          const ids = tokenizer.encode(text);
          const stride = flags.stride ?? flags.window;
          const windows = rollingWindows(ids, flags.window, stride);
          const bar = new SingleBar({ stream: process.stderr, format: 'eval-lm [{bar}] {value}/{total} windows | ETA {eta_formatted}', hideCursor: true });
          const showBar = flags.progress && !flags.json;
          if (showBar) bar.start(windows.length, 0);
          const padId = tokenizer.specialTokens.pad ?? tokenizer.specialTokens.eos ?? 0;
          const { nll, tokens } = scoreWindows(backbone, windows, { batchSize: flags.batch, padId, onBatch: (done) => showBar && bar.update(done) });
          if (showBar) bar.stop();
          const characters = [...text].length;
          const result: LanguageModelEvaluation = {
            model: flags.model,
            data: flags.data,
            format: flags.format,
            tokens,
            characters,
            bytes: Buffer.byteLength(text, 'utf8'),
            window: flags.window,
            stride,
            loss: nll / tokens,
            tokenPerplexity: Math.exp(nll / tokens),
            bitsPerCharacter: nll / Math.LN2 / characters,
            bitsPerByte: nll / Math.LN2 / Buffer.byteLength(text, 'utf8'),
            seconds: (performance.now() - started) / 1000,
          };
          process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : formatEvaluation(result));
        } finally {
          backbone.dispose();
          tf.disposeVariables();
        }
      }, { json: () => Boolean(flags.json) }),
    );
}

function formatEvaluation(result: LanguageModelEvaluation): string {
  return [
    `eval-lm ${result.model} on ${result.data}`,
    `  tokens ${result.tokens}, characters ${result.characters}, window ${result.window}, stride ${result.stride}`,
    `  loss ${result.loss.toFixed(4)} nats/token, token PPL ${result.tokenPerplexity.toFixed(2)}`,
    `  ${result.bitsPerCharacter.toFixed(4)} bits/char, ${result.bitsPerByte.toFixed(4)} bits/byte (${result.seconds.toFixed(1)} s)`,
    '',
  ].join('\n');
}
