import type { Command } from 'commander';
import { integerOption, numberOption } from '@maria-ts/cli-kit';
import { DEFAULT_TOKENIZER_PATH, buildCorpus, DEFAULT_CORPUS_DIRECTORY, type CorpusBuildResult, parseDocumentFormat, type DocumentFormatChoice } from '@maria-ts/trainer';


interface CorpusCommandOptions {
  input: string[];
  tokenizer: string;
  out: string;
  seqLen: number;
  valFraction: number;
  seed: number;
  sequencesPerShard: number;
  format: DocumentFormatChoice;
  detokenize: boolean;
  progress: boolean;
  json?: boolean;
}

/** The one-screen human summary of a build. */
function describe(result: CorpusBuildResult): string {
  const { manifest } = result;
  const lines = [
    result.upToDate
      ? `corpus: ${result.directory} is up to date (same inputs, tokenizer and settings); nothing written`
      : `corpus: wrote ${result.directory} in ${result.seconds.toFixed(1)} s (${Math.round(result.tokensPerSecond)} tokens/s)`,
  ];
  for (const input of manifest.inputs) lines.push(`  ${input.path}: ${input.bytes} bytes, ${input.format}, ${input.documents} documents, ${input.tokens} tokens`);
  for (const name of ['train', 'val'] as const) {
    const split = manifest.splits[name];
    lines.push(
      `  ${name}: ${split.documents} documents, ${split.tokens} tokens, ${split.sequences} sequences of ${manifest.sequenceLength} in ${split.shards.length} shards (${split.droppedTokens} tail tokens dropped)`,
    );
  }
  lines.push(`  tokenizer ${manifest.tokenizer.path} (sha256 ${manifest.tokenizer.sha256.slice(0, 16)}…, ${manifest.tokenizer.vocabSize} ids)`, '');
  return lines.join('\n');
}

/** `maria-train corpus`: text files → packed uint16 token shards with a manifest. */
export function registerCorpusCommand(program: Command): void {
  program
    .command('corpus')
    .description('tokenize text files into packed uint16 sequence shards with a train/validation split and a manifest')
    .requiredOption('--input <paths...>', 'text files, folders or globs (quote globs so the shell does not expand them)')
    .option('--tokenizer <file>', 'tokenizer.json to use', DEFAULT_TOKENIZER_PATH)
    .option('--out <dir>', 'output folder', DEFAULT_CORPUS_DIRECTORY)
    .option('--seq-len <n>', 'tokens per packed sequence', integerOption('--seq-len', 1), 128)
    .option('--val-fraction <p>', 'share of documents held out for validation', numberOption('--val-fraction', 0, 1), 0.01)
    .option('--seed <n>', 'seed of the document split', integerOption('--seed', 0), 0)
    .option('--sequences-per-shard <n>', 'sequences per shard file', integerOption('--sequences-per-shard', 1), 8192)
    .option('--format <format>', 'how files are cut into documents: auto | wikitext | paragraphs | lines', parseDocumentFormat, 'auto')
    .option('--no-detokenize', 'keep WikiText tokenized spacing (" @-@ ", " , ") instead of undoing it')
    .option('--no-progress', 'do not draw the progress bar')
    .option('--json', 'print the manifest summary as JSON on stdout')
    .action(async (options: CorpusCommandOptions) => {
      const result = await buildCorpus({
        inputs: options.input,
        tokenizer: options.tokenizer,
        out: options.out,
        sequenceLength: options.seqLen,
        validationFraction: options.valFraction,
        seed: options.seed,
        sequencesPerShard: options.sequencesPerShard,
        format: options.format,
        detokenizeWikitext: options.detokenize,
        progress: options.progress && !options.json,
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ directory: result.directory, upToDate: result.upToDate, seconds: result.seconds, tokensPerSecond: result.tokensPerSecond, manifest: result.manifest })}\n`);
      } else {
        process.stdout.write(describe(result));
      }
    });
}
