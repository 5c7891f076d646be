import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, writeFileAtomic, writeFileAtomicSync } from '@maria-ts/core';
import {
  buildEvalSet,
  maskedPerplexityTable,
  maskedPplCsv,
  maskedPplMarkdown,
  readDocuments,
  writeVegaLiteSvg,
  type DatasetFormat,
  type MaskedPplMethod,
  type MaskedPplRow,
} from '@maria-ts/eval';
import type { FractionGateValues, MariaModel } from '@maria-ts/fusion-head';
import { pplChartSpec } from './ppl-chart.js';
import type { BenchProgress } from '../progress.js';

/** Options of `runPplBench` (what `maria-bench ppl` was asked to do). */
export interface PplBenchOptions {
  readonly data: string;
  readonly format: DatasetFormat;
  readonly rates: readonly number[];
  /** Methods to score; undefined = every method the model supports. */
  readonly methods?: readonly MaskedPplMethod[];
  readonly n: number;
  readonly seed: number;
  readonly window: number;
  /** K, Monte Carlo samples of t for the diffusion NELBO. */
  readonly k: number;
  readonly maxBatchTokens: number;
  /** Apply the WikiText detokeniser (wikitext format only). */
  readonly detokenize: boolean;
  /** Where ppl.json / .csv / .md / .svg go; undefined writes nothing. */
  readonly out?: string;
  /**
   * Reuse the cells an interrupted run of the same configuration left in `<stem>.partial.json`
   * under `out` (each cell is saved there as soon as it is scored, whether or not this is set).
   */
  readonly resume?: boolean;
  /** Shown in the report: the model directory, or "tiny" for the embedded one. */
  readonly modelName: string;
  /** Progress in examples scored (total = windows × rates × methods). */
  readonly progress?: BenchProgress;
  /** Told about methods left out because the model cannot run them. */
  readonly onNote?: (line: string) => void;
}

/** The JSON `maria-bench ppl --json` prints (ARCHITECTURE.md §5.4: `rows` of {method, rate, ppl, tokens}). */
export interface PplBenchReport {
  readonly rows: MaskedPplRow[];
  readonly config: {
    readonly data: string;
    readonly format: DatasetFormat;
    readonly model: string;
    readonly examples: number;
    readonly window: number;
    readonly rates: readonly number[];
    readonly methods: readonly MaskedPplMethod[];
    readonly seed: number;
    readonly k: number;
    readonly maskSampler: 'fixed-count';
    /** The fusion gate MARIA's rows were scored with (`--fraction-gate`); absent for plain MARIA. */
    readonly fractionGate?: Required<FractionGateValues>;
  };
  readonly files?: { readonly json: string; readonly csv: string; readonly markdown: string; readonly chart: string };
}

/** The methods to run: the requested ones, or all that `model` supports. */
export function resolveMethods(model: MariaModel, requested: readonly MaskedPplMethod[] | undefined, onNote?: (line: string) => void): MaskedPplMethod[] {
  if (requested) return [...requested];
  const all: MaskedPplMethod[] = ['maria', 'ar', 'mlm', 'diffusion'];
  if (model.diffusion) return all;
  onNote?.('note: the model has no diffusion encoder, so the masked-diffusion row is left out (ask for it with --methods to get an error instead)');
  return all.filter((method) => method !== 'diffusion');
}

/** What must match for the cells of an earlier run to be reused at all. */
interface PartialKey {
  readonly data: string;
  readonly format: DatasetFormat;
  readonly detokenize: boolean;
  readonly n: number;
  readonly window: number;
  readonly seed: number;
  readonly k: number;
  /** Digest of the token ids of every window (covers the tokenizer and the subsample). */
  readonly windows: string;
}

/** Digests of the model's parts; a saved cell is reused only if the parts its method reads are unchanged. */
type PartDigests = Readonly<Record<'ar' | 'mlm' | 'diffusion' | 'head', string | null>>;

/** The parts each method's score depends on. */
const METHOD_PARTS: Readonly<Record<MaskedPplMethod, readonly (keyof PartDigests)[]>> = {
  maria: ['ar', 'mlm', 'head'],
  ar: ['ar'],
  mlm: ['mlm'],
  diffusion: ['diffusion'],
};

interface PartialFile {
  readonly key: PartialKey;
  readonly parts: PartDigests;
  readonly rows: MaskedPplRow[];
}

function sha256(chunks: Iterable<Uint8Array | string>): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** Backbone content hashes, and a digest of the head's parameters. */
function partDigests(model: MariaModel): PartDigests {
  const { arWeight, mlmWeight, bias } = model.head.variables();
  // A gate changes MARIA's rows as a head change does, so it is part of the head's digest.
  const head = sha256([...[arWeight, mlmWeight, bias].map((variable) => {
    const values = variable.dataSync() as Float32Array;
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }), ...(model.gate ? [JSON.stringify(model.gate.values())] : [])]);
  return { ar: model.ar.info.contentHash ?? null, mlm: model.mlm.info.contentHash ?? null, diffusion: model.diffusion?.info.contentHash ?? null, head };
}

/**
 * The cells an earlier run saved that still hold: a different configuration is refused, naming
 * what differs; cells whose method reads a part that has changed since (e.g. MARIA's rows after
 * a head retrain, while the MLM AR-decode rows stay) are dropped, and `onNote` says so.
 */
async function readPartialRows(file: string, key: PartialKey, parts: PartDigests, onNote?: (line: string) => void): Promise<MaskedPplRow[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return [];
  let partial: PartialFile;
  try {
    partial = JSON.parse(text) as PartialFile;
  } catch {
    throw new InvalidArgumentError('--resume', file, 'a partial-results file holding JSON (delete it to start over)');
  }
  const differs = (Object.keys(key) as (keyof PartialKey)[]).filter((name) => partial.key?.[name] !== key[name]);
  if (differs.length > 0) throw new InvalidArgumentError('--resume', file, `partial results of this same configuration, but it differs in: ${differs.join(', ')} (delete it, or pick another --out)`);
  const rows = Array.isArray(partial.rows) ? partial.rows : [];
  const valid = rows.filter((row) => METHOD_PARTS[row.method]?.every((part) => partial.parts?.[part] === parts[part]));
  if (valid.length < rows.length) onNote?.(`resume: dropped ${rows.length - valid.length} saved cell(s) whose method reads weights that have changed since`);
  return valid;
}

/**
 * `maria-bench ppl`: reads the dataset, cuts rolling windows, subsamples `n` with the seed,
 * scores every method on the same masks at every rate, and writes JSON, CSV, the Markdown
 * table and the chart under `out` (file names from the data file's name).
 */
export async function runPplBench(model: MariaModel, options: PplBenchOptions): Promise<PplBenchReport> {
  const documents = await readDocuments(options.data, options.format, { detokenize: options.detokenize });
  if (documents.length === 0) throw new InvalidArgumentError('--data', options.data, `a file with at least one ${options.format} document`);
  const windows = buildEvalSet(documents, model.tokenizer, { window: options.window, n: options.n, seed: options.seed });
  if (windows.length === 0) throw new InvalidArgumentError('--data', options.data, `documents of at least ${Math.min(8, options.window)} tokens`);
  const methods = resolveMethods(model, options.methods, options.onNote);
  const ids = windows.map((window) => window.ids);
  if (options.resume && !options.out) throw new InvalidArgumentError('--resume', true, 'an --out directory to resume from (not --no-write)');
  const stem = options.out ? path.join(options.out, path.basename(options.data).replace(/\.[^.]*$/, '') || 'ppl') : undefined;
  // The digests are only needed when cells are saved (not with --no-write).
  const partial = stem
    ? {
        file: `${stem}.partial.json`,
        key: {
          data: path.resolve(options.data),
          format: options.format,
          detokenize: options.detokenize,
          n: options.n,
          window: options.window,
          seed: options.seed,
          k: options.k,
          windows: sha256(ids.map((row) => new Uint8Array(Int32Array.of(row.length, ...row).buffer))),
        } satisfies PartialKey,
        parts: partDigests(model),
      }
    : undefined;
  const saved = partial && options.resume ? await readPartialRows(partial.file, partial.key, partial.parts, options.onNote) : [];
  if (saved.length > 0) options.onNote?.(`resuming: ${saved.length} cell(s) from ${partial?.file}`);
  const partialRows = [...saved];
  options.progress?.start(ids.length * options.rates.length * methods.length);
  options.progress?.stage(`${ids.length} windows`);
  const rows = maskedPerplexityTable(model, ids, {
    rates: options.rates,
    methods,
    seed: options.seed,
    diffusionSamples: options.k,
    maxBatchTokens: options.maxBatchTokens,
    ...(options.progress ? { onProgress: (units: number) => options.progress?.advance(units) } : {}),
    completed: saved,
    onRow: (row) => {
      if (partial) {
        partialRows.push(row);
        // Synchronously: the scoring loop does not yield, and a killed run must keep this cell.
        writeFileAtomicSync(partial.file, `${JSON.stringify({ key: partial.key, parts: partial.parts, rows: partialRows } satisfies PartialFile, null, 2)}\n`);
      }
      options.progress?.stage(`${row.method}@${row.rate}: ppl ${row.ppl.toFixed(2)}`);
    },
  });
  const report: PplBenchReport = {
    rows,
    config: {
      data: options.data,
      format: options.format,
      model: options.modelName,
      examples: ids.length,
      window: options.window,
      rates: options.rates,
      methods,
      seed: options.seed,
      k: options.k,
      maskSampler: 'fixed-count',
      ...(model.gate ? { fractionGate: model.gate.values() } : {}),
    },
  };
  if (!stem) return report;
  const files = { json: `${stem}.json`, csv: `${stem}.csv`, markdown: `${stem}.md`, chart: `${stem}.svg` };
  const withFiles = { ...report, files };
  await writeFileAtomic(files.json, `${JSON.stringify(withFiles, null, 2)}\n`);
  await writeFileAtomic(files.csv, maskedPplCsv(rows));
  await writeFileAtomic(files.markdown, maskedPplMarkdown(rows));
  await writeVegaLiteSvg(files.chart, pplChartSpec(rows, report.config));
  if (partial) await rm(partial.file, { force: true });
  return withFiles;
}
