import type { Command } from 'commander';
import { DATA_DIR_OPTION, integerOption, requireDataPath } from '@maria-ts/cli-kit';
import { GPT2_DIRECTORY_IN_DATA, buildTinyTokenizer, EVALUATION_TEXT_IN_DATA, statsPathFor, DEFAULT_TOKENIZER_PATH, TINY_MERGE_COUNT } from '@maria-ts/trainer';



/** `maria-train tokenizer`: builds the tiny byte-level BPE and reports tokens per word against the full source. */
export function registerTokenizerCommand(program: Command): void {
  program
    .command('tokenizer')
    .description('build the tiny tokenizer: GPT-2 byte tokens + its first N merges + <|endoftext|>, [MASK], [PAD]')
    .option('--merges <n>', 'number of GPT-2 merges to keep', integerOption('--merges', 0), TINY_MERGE_COUNT)
    .option('--source <path>', `source BPE tokenizer.json, or a folder holding one (default: ${GPT2_DIRECTORY_IN_DATA} in the data folder)`)
    .option('--eval <file>', `text on which to report tokens per word (default: ${EVALUATION_TEXT_IN_DATA} in the data folder)`)
    .option(...DATA_DIR_OPTION)
    .option('--out <file>', 'where to write tokenizer.json (config and stats go beside it)', DEFAULT_TOKENIZER_PATH)
    .option('--json', 'print the report as JSON on stdout')
    .action(async (options: { merges: number; source?: string; eval?: string; dataDir?: string; out: string; json?: boolean }) => {
      const source = requireDataPath('--source', options.source, { relative: GPT2_DIRECTORY_IN_DATA, what: 'the GPT-2 tokenizer (a tokenizer.json or its folder)', kind: 'any' }, options.dataDir);
      const evaluationText = requireDataPath('--eval', options.eval, { relative: EVALUATION_TEXT_IN_DATA, what: 'WikiText-2 raw test text' }, options.dataDir);
      const report = await buildTinyTokenizer({ source, mergeCount: options.merges, out: options.out, evaluationText });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const { tokenizer, evaluation } = report;
      const specials = Object.entries(tokenizer.specialTokens).map(([token, id]) => `${token}=${id}`).join(' ');
      process.stdout.write(
        [
          `tokenizer: ${options.out}`,
          `  ${tokenizer.vocabSize} ids = ${tokenizer.byteTokens} byte tokens + ${tokenizer.merges} merges + ${Object.keys(tokenizer.specialTokens).length} specials (${specials})`,
          `  ids equal the source's for the same tokens: ${tokenizer.idsMatchSource ? 'yes' : 'no'}`,
          `  sha256 ${tokenizer.sha256}`,
          `  fingerprint ${tokenizer.fingerprint}`,
          `${evaluation.file}: ${evaluation.words} words, ${evaluation.lines} lines, exact round trip on every line`,
          `  tiny (${tokenizer.vocabSize} ids): ${evaluation.tokenizer.tokensPerWord.toFixed(4)} tokens/word (${evaluation.tokenizer.tokens} tokens, ${evaluation.tokenizer.charactersPerToken.toFixed(3)} chars/token)`,
          `  source (${report.source.vocabSize} ids): ${evaluation.source.tokensPerWord.toFixed(4)} tokens/word (${evaluation.source.tokens} tokens, ${evaluation.source.charactersPerToken.toFixed(3)} chars/token)`,
          `stats: ${statsPathFor(options.out)}`,
          '',
        ].join('\n'),
      );
    });
}
