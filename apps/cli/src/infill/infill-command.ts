import { Command } from 'commander';
import { InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, parseNumberList, parseOneNumber, THREADS_OPTION } from '@maria-ts/cli-kit';
import { infillMethods, type InfillMethod } from '@maria-ts/kv-decoder';
import { withFlagNames } from '../flag-names.js';
import type { CommandOutput } from '../output.js';
import { runInterruptible } from '../run-interruptible.js';
import { colorEnabled, infillJson, infillText } from './format-infill.js';
import { readInfillText } from './read-infill-text.js';
import { runInfill, type InfillCommandRequest } from './run-infill.js';

interface InfillFlags {
  readonly text?: string;
  readonly file?: string;
  readonly model?: string;
  readonly seed: string;
  readonly json?: boolean;
  readonly tokensPerMask: string;
  readonly temperature: string;
  readonly topK?: string;
  readonly topP: string;
  readonly method: string;
  readonly maxLength?: string;
  readonly diffusionSteps: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly nBest?: string;
  readonly fractionGate?: boolean;
}

function parseMethod(text: string): InfillMethod {
  const known = infillMethods();
  if (!(known as string[]).includes(text)) throw new InvalidArgumentError('--method', text, known.join(' | '));
  return text as InfillMethod;
}

/** The decoder's and the parser's names for what the flags set, so their errors name the flag. */
const FLAG_NAMES = {
  topP: '--top-p',
  topK: '--top-k',
  temperature: '--temperature',
  tokensPerMask: '--tokens-per-mask',
  maxLength: '--max-length',
  diffusionSteps: '--diffusion-steps',
  seed: '--seed',
  nBest: '--n-best',
} as const;

/** The sampling flags `--n-best` replaces (a search, not a sample). */
const SAMPLING_FLAGS = [['temperature', '--temperature'], ['topK', '--top-k'], ['topP', '--top-p'], ['seed', '--seed']] as const;

/** `--top-p`: a number in (0, 1] (the nucleus must keep some probability). */
function parseTopP(text: string): number {
  const value = parseOneNumber('--top-p', text);
  if (!(value > 0 && value <= 1)) throw new InvalidArgumentError('--top-p', text, 'a number in (0, 1]');
  return value;
}

/**
 * `maria infill --text "The [MASK] sat on the mat." [--model DIR] [--seed N] [--json] ...`:
 * fills every `[MASK]` word (ARCHITECTURE.md §5.3). Each marker becomes `--tokens-per-mask` token
 * positions (default 1; a word may span several tokens, and the paper masks words by
 * string, so the count is the user's choice). `--file PATH` (or `--file -` for stdin) reads
 * the text from a file instead, strictly as UTF-8 and past argv's size limit. Sampling
 * defaults to nucleus sampling (top-p 0.9 at temperature 1), seeded; `--temperature 0` is
 * greedy. Ctrl-C cancels.
 */
export function infillCommand(output: CommandOutput, isTTY: () => boolean = () => process.stdout.isTTY === true): Command {
  return new Command('infill')
    .description('fill every [MASK] word of a text with MARIA (or a baseline) and print the text with the fills highlighted')
    .option('--text <text>', 'text with [MASK] markers, e.g. "The [MASK] sat on the mat."')
    .option('--file <path>', 'read the text from a UTF-8 file instead of --text; - reads stdin')
    .option('--model <dir>', 'a MARIA directory (maria.json) or its Hub id (owner/name[@revision]); default: the embedded tiny model')
    .option('--seed <n>', 'random seed of the sampling', '0')
    .option('--json', 'print {"text", "tokens", "masked", "filled": [{index, id, piece, logProb}]} (and "nBest" with --n-best)')
    .option('--tokens-per-mask <n>', 'token positions per [MASK]: one count, or one per marker (e.g. 1,3)', '1')
    .option('--temperature <t>', 'sampling temperature; 0 is greedy', '1')
    .option('--top-k <k>', 'keep only the k most likely tokens')
    .option('--top-p <p>', 'nucleus sampling: keep the most likely tokens up to probability p', '0.9')
    .option('--method <name>', `maria (Algorithm 1) or a baseline: ${infillMethods().join(', ')}`, 'maria')
    .option('--max-length <n>', 'refuse texts longer than this many tokens (default: what the model supports)')
    .option('--diffusion-steps <n>', 'denoising steps of --method diffusion (at most one per masked token)', '256')
    .option('--n-best <k>', 'the k most likely joint fills of all markers, best first, by beam search (maria and ar; no sampling flags)')
    .option('--fraction-gate', "opt-in, beyond the paper: scale the head's AR and MLM halves by the masked fraction, with the gate in the model's head folder (maria-train head --gate-only)")
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .action(async (flags: InfillFlags, command: Command) => {
      await runInterruptible(
        async (signal) => {
          const nBest = flags.nBest !== undefined ? parseOneNumber('--n-best', flags.nBest, { integer: true, min: 1 }) : undefined;
          if (nBest !== undefined) {
            const sampling = SAMPLING_FLAGS.find(([key]) => command.getOptionValueSource(key) === 'cli');
            if (sampling) throw new InvalidArgumentError('--n-best', flags.nBest, `a search for the most likely fills, without ${sampling[1]}`);
          }
          const tokensPerMask = parseNumberList('--tokens-per-mask', flags.tokensPerMask, { integer: true, min: 1 });
          const request: InfillCommandRequest = {
            text: await readInfillText({ ...(flags.text !== undefined ? { text: flags.text } : {}), ...(flags.file !== undefined ? { file: flags.file } : {}) }),
            ...(flags.model !== undefined ? { model: flags.model } : {}),
            seed: parseOneNumber('--seed', flags.seed, { integer: true }),
            tokensPerMask: tokensPerMask.length === 1 ? (tokensPerMask[0] as number) : tokensPerMask,
            method: parseMethod(flags.method),
            temperature: parseOneNumber('--temperature', flags.temperature, { min: 0 }),
            topP: parseTopP(flags.topP),
            ...(flags.topK !== undefined ? { topK: parseOneNumber('--top-k', flags.topK, { integer: true, min: 1 }) } : {}),
            ...(flags.maxLength !== undefined ? { maxLength: parseOneNumber('--max-length', flags.maxLength, { integer: true, min: 1 }) } : {}),
            diffusionSteps: parseOneNumber('--diffusion-steps', flags.diffusionSteps, { integer: true, min: 1 }),
            ...(flags.engine !== undefined ? { engine: flags.engine } : {}),
            ...(flags.threads !== undefined ? { threads: parseOneNumber('--threads', flags.threads, { integer: true, min: 1 }) } : {}),
            ...(nBest !== undefined ? { nBest } : {}),
            ...(flags.fractionGate ? { fractionGate: true } : {}),
            signal,
          };
          const result = await withFlagNames(FLAG_NAMES, () => runInfill(request));
          if (flags.json) {
            output.stdout(`${infillJson(result)}\n`);
            if (result.encoder === 'mlm') output.stderr('note: this model has no diffusion encoder; the MLM denoised instead\n');
          } else {
            output.stdout(infillText(result, colorEnabled({ isTTY: isTTY() })));
          }
        },
        { json: () => flags.json === true },
      );
    });
}
