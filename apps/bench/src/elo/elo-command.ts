import path from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '@maria-ts/core';
import { DATA_DIR_OPTION, ENGINE_OPTION, parseOneNumber, requireDataPath, runMain, THREADS_OPTION } from '@maria-ts/cli-kit';
import { parseDatasetFormat, readDocuments } from '@maria-ts/eval';
import { buildMaskedPrompts, createEloJudge, ELO_SYSTEMS, eloChartTitle, formatEloTable, runEloBench, writeRatingChart } from '@maria-ts/benchmarks';
import { withBenchModel } from '../ppl/with-bench-model.js';

interface EloFlags {
  readonly model?: string;
  readonly judge?: string;
  readonly judgeUrl?: string;
  readonly judgeModel?: string;
  readonly requestsPerMinute?: string;
  readonly data?: string;
  readonly dataDir?: string;
  readonly format: string;
  readonly prompts: string;
  readonly words: string;
  readonly maskRate: string;
  readonly systems: string;
  readonly temperature: string;
  readonly topP?: string;
  readonly topK?: string;
  readonly diffusionSteps?: string;
  readonly battles?: string;
  readonly rounds: string;
  readonly seed: string;
  readonly json?: boolean;
  readonly out: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly progress: boolean;
}

/** `maria-bench elo` (Figure 4): a Bradley–Terry tournament of infill quality, judged offline or over HTTP. */
export function eloCommand(): Command {
  return new Command('elo')
    .description('ELO of word-level infill quality (MARIA, MLM AR-decode, diffusion, AR-only, ground truth) from judged pairwise battles')
    .option('--model <dir>', 'MARIA directory (default: the embedded tiny model)')
    .option('--judge <dir>', "AR checkpoint that judges by likelihood (offline; must not be the model's own AR backbone)")
    .option('--judge-url <url>', `OpenAI-compatible endpoint for the HTTP judge (or $MARIA_JUDGE_URL; key from $MARIA_JUDGE_API_KEY)`)
    .option('--judge-model <name>', 'model name for the HTTP judge (or $MARIA_JUDGE_MODEL)')
    .option('--requests-per-minute <n>', 'rate limit of the HTTP judge (default 60)')
    .option('--data <file>', 'documents to draw passages from (default: eval/wikitext2_raw_test.txt in the data folder)')
    .option(...DATA_DIR_OPTION)
    .option('--format <format>', 'wikitext | lambada | agnews | lines', 'wikitext')
    .option('--prompts <n>', 'number of masked passages', '20')
    .option('--words <n>', 'words per passage', '48')
    .option('--mask-rate <r>', 'share of words replaced by [MASK]', '0.5')
    .option('--systems <list>', 'systems to rate', Object.keys(ELO_SYSTEMS).join(','))
    .option('--temperature <t>', 'sampling temperature of every system (0 = greedy)', '1')
    .option('--top-p <p>', 'nucleus sampling of every system')
    .option('--top-k <k>', 'top-k sampling of every system')
    .option('--diffusion-steps <n>', 'denoising steps of the diffusion system (default 256, at most one per masked token)')
    .option('--battles <n>', 'judged fixtures (default: pairs × prompts)')
    .option('--rounds <n>', 'bootstrap resamples', '1000')
    .option('--seed <n>', 'seed of passages, masks, fills, fixtures and bootstrap', '0')
    .option('--json', 'print the report as JSON on stdout')
    .option('--out <dir>', 'where to write elo.json and elo.svg', 'runs/bench/elo')
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--no-progress', 'no progress bar on stderr')
    .action((flags: EloFlags) =>
      runMain(
        async () => {
          const prompts = parseOneNumber('--prompts', flags.prompts, { integer: true, min: 1 });
          const words = parseOneNumber('--words', flags.words, { integer: true, min: 2 });
          const maskRate = parseOneNumber('--mask-rate', flags.maskRate);
          const seed = parseOneNumber('--seed', flags.seed, { integer: true, min: 0 });
          const rounds = parseOneNumber('--rounds', flags.rounds, { integer: true, min: 2 });
          const temperature = parseOneNumber('--temperature', flags.temperature, { min: 0 });
          const sampling = {
            temperature,
            ...(flags.topP ? { topP: parseOneNumber('--top-p', flags.topP) } : {}),
            ...(flags.topK ? { topK: parseOneNumber('--top-k', flags.topK, { integer: true, min: 1 }) } : {}),
          };
          const systems = flags.systems.split(',').map((name) => name.trim());
          const format = parseDatasetFormat(flags.format);
          const dataPath = requireDataPath('--data', flags.data, { relative: 'eval/wikitext2_raw_test.txt', what: 'WikiText-2 raw test text' }, flags.dataDir);
          const documents = await readDocuments(dataPath, format);
          const benchFlags = { ...flags, progress: flags.progress && !flags.json };
          await withBenchModel('elo', benchFlags, { skipDiffusion: !systems.includes('diffusion') }, async (model, progress) => {
            const judge = await createEloJudge(
              {
                ...(flags.judge ? { judgeDir: flags.judge } : {}),
                ...(flags.judgeUrl ? { judgeUrl: flags.judgeUrl } : {}),
                ...(flags.judgeModel ? { judgeModel: flags.judgeModel } : {}),
                ...(flags.requestsPerMinute ? { requestsPerMinute: parseOneNumber('--requests-per-minute', flags.requestsPerMinute, { min: 0.001 }) } : {}),
              },
              model,
            );
            try {
              const maskedPrompts = buildMaskedPrompts(documents, model.tokenizer, { count: prompts, words, maskFraction: maskRate, seed, maskTokenId: model.maskTokenId });
              const filling = systems.filter((system) => ELO_SYSTEMS[system]).length;
              progress.start(filling * prompts + systems.length * prompts);
              let stage = '';
              let reported = 0;
              const result = await runEloBench({
                model,
                judge: judge.judge,
                prompts: maskedPrompts,
                systems,
                sampling,
                seed,
                rounds,
                ...(flags.diffusionSteps ? { diffusionSteps: parseOneNumber('--diffusion-steps', flags.diffusionSteps, { integer: true, min: 1 }) } : {}),
                ...(flags.battles ? { battles: parseOneNumber('--battles', flags.battles, { integer: true, min: 1 }) } : {}),
                onProgress: (event) => {
                  const label = event.stage === 'infill' ? `filling ${event.system}` : `judging (${judge.judge.name})`;
                  if (label !== stage) {
                    stage = label;
                    reported = 0;
                    progress.stage(label);
                  }
                  progress.advance(event.done - reported);
                  reported = event.done;
                },
              });
              progress.stop();
              const report = {
                figure: 'MARIA paper Figure 4: ELO of infill quality',
                judge: result.judge,
                judgeSource: judge.source,
                model: flags.model ?? 'embedded tiny MARIA',
                data: dataPath,
                settings: {
                  prompts,
                  words,
                  maskRate,
                  tokensPerMask: "the true word's token count (an oracle length shared by every system)",
                  sampling,
                  diffusionSteps: flags.diffusionSteps ?? 'kv-decoder default (256, at most one per masked token)',
                  seed,
                },
                battles: result.battles.length,
                confidence: result.confidence,
                rounds: result.rounds,
                separated: result.separated,
                separatedRounds: result.separatedRounds,
                ...(result.diffusionEncoder ? { diffusionEncoder: result.diffusionEncoder } : {}),
                rows: result.rows,
                prompts: maskedPrompts.map((prompt, index) => ({
                  maskedText: prompt.maskedText,
                  fills: Object.fromEntries(systems.map((system) => [system, { text: result.texts[system]?.[index], score: result.scores[system]?.[index] }])),
                })),
              };
              await writeFileAtomic(path.join(flags.out, 'elo.json'), `${JSON.stringify(report, null, 2)}\n`);
              await writeRatingChart(path.join(flags.out, 'elo.svg'), {
                title: eloChartTitle(result.judge, prompts, maskRate),
                intervals: result.rows,
                confidence: result.confidence,
              });
              if (flags.json) {
                process.stdout.write(`${JSON.stringify({ judge: report.judge, battles: report.battles, separated: report.separated, rows: report.rows })}\n`);
              } else {
                const notes = [
                  `judge: ${result.judge} (${judge.source}); ${result.battles.length} battles on ${prompts} passages`,
                  ...(result.separated ? ['note: some system never lost or never won; the fit used pseudo-ties (gaps are lower bounds)'] : []),
                  ...(result.diffusionEncoder === 'mlm' ? ['note: the model has no MDLM encoder; the diffusion system denoised with the plain MLM'] : []),
                  `wrote ${path.join(flags.out, 'elo.json')} and elo.svg`,
                ];
                process.stdout.write(`${formatEloTable(result)}\n${notes.join('\n')}\n`);
              }
            } finally {
              judge.dispose();
            }
          });
        },
        { json: () => Boolean(flags.json) },
      ),
    );
}
