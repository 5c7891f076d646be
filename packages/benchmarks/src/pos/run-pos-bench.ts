import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, writeFileAtomic } from '@maria-ts/core';
import { markdownTable, parseConll, runPosProbe, type PosProbeOptions, type PosProbeResult } from '@maria-ts/eval';
import type { MariaModel } from '@maria-ts/fusion-head';

/** What `maria-bench pos` was asked to do (parsed flags). */
export interface PosBenchOptions extends PosProbeOptions {
  readonly train: string;
  readonly test: string;
  /** Where pos.json and pos.md go; undefined writes nothing. */
  readonly out?: string;
  readonly modelName: string;
}

/** The JSON `maria-bench pos --json` prints. */
export interface PosBenchReport extends PosProbeResult {
  readonly config: {
    readonly train: string;
    readonly test: string;
    readonly model: string;
    readonly seed: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly maxTokens: number;
  };
  readonly files?: { readonly json: string; readonly markdown: string };
}

/** Accuracy table (paper Table 3): one row per representation, plus the majority-tag floor. */
export function posMarkdown(report: Pick<PosBenchReport, 'rows' | 'majorityTagAccuracy'>): string {
  const label = { mlm: 'MLM h_MLM', maria: 'MARIA [h_AR ; h_MLM]' } as const;
  const percent = (value: number) => `${(100 * value).toFixed(2)}%`;
  return markdownTable(
    ['features', 'dim', 'POS accuracy'],
    [...report.rows.map((row) => [label[row.features], String(row.dim), percent(row.accuracy)]), ['majority tag (floor)', '-', percent(report.majorityTagAccuracy)]],
    ['left', 'right', 'right'],
  );
}

async function readConll(file: string, flag: string) {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InvalidArgumentError(flag, file, 'a readable CoNLL-2003 file (word POS chunk NER columns)');
  });
  const sentences = parseConll(text, file);
  if (sentences.length === 0) throw new InvalidArgumentError(flag, file, 'a CoNLL file with at least one sentence');
  return sentences;
}

/**
 * `maria-bench pos`: reads CoNLL-2003 train and test, runs the linear POS probe on the MLM's
 * and MARIA's frozen features, and writes pos.json and pos.md under `out`.
 */
export async function runPosBench(model: MariaModel, options: PosBenchOptions): Promise<PosBenchReport> {
  const train = await readConll(options.train, '--train');
  const test = await readConll(options.test, '--test');
  const result = runPosProbe(model, train, test, options);
  const report: PosBenchReport = {
    ...result,
    config: {
      train: options.train,
      test: options.test,
      model: options.modelName,
      seed: options.seed ?? 0,
      epochs: options.epochs ?? 3,
      batchSize: options.batchSize ?? 256,
      learningRate: options.learningRate ?? 1e-2,
      maxTokens: options.maxTokens ?? 256,
    },
  };
  if (!options.out) return report;
  const files = { json: path.join(options.out, 'pos.json'), markdown: path.join(options.out, 'pos.md') };
  await writeFileAtomic(files.json, `${JSON.stringify({ ...report, files }, null, 2)}\n`);
  await writeFileAtomic(files.markdown, posMarkdown(report));
  return { ...report, files };
}
