import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from '@maria-ts/core';
import type { MaskedPplRow } from '@maria-ts/eval';
import type { AnnealChartInput } from '../anneal/anneal-chart.js';
import { annealChartSpec } from '../anneal/anneal-chart.js';
import { eloChartTitle, ratingChartSpec } from '../elo/rating-chart.js';
import { initCurvesChartSpec, type InitCurvesChartRun, type InitCurvesChartSettings } from '../head/init-curves-chart.js';
import type { OpsRow } from '../ops/ops-benchmark.js';
import { opsChartSpec } from '../ops/ops-chart.js';
import { pplChartSpec, type PplChartConfig } from '../ppl/ppl-chart.js';
import type { ThroughputRow } from '../throughput/throughput-benchmark.js';
import { throughputChartSpec, type ThroughputChartSettings } from '../throughput/throughput-chart.js';
import type { RatingInterval } from '@maria-ts/elo';

/** Which benchmark wrote a results file, as far as charts go. */
export type ChartedBenchmark = 'ops' | 'throughput' | 'ppl' | 'anneal' | 'init-curves' | 'elo';

/** A chart rebuilt from a results file: its spec and the SVG name the benchmark itself writes. */
export interface ResultsChart {
  readonly benchmark: ChartedBenchmark;
  readonly spec: TopLevelSpec;
  /** e.g. `ops-threads.svg`; the ppl bench names its chart after the data file. */
  readonly svgName: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const rowsOf = (report: Json): Json[] => (Array.isArray(report.rows) ? report.rows.filter(isObject) : []);
const firstRow = (report: Json): Json => rowsOf(report)[0] ?? {};

/**
 * Rebuilds the chart of a benchmark's results JSON (ops.json, throughput.json, the ppl
 * bench's `<data>.json`, anneal.json, init-curves.json, elo.json) exactly as the benchmark
 * draws it after a run, so charts can be redrawn without re-running the measurement. The kind
 * of file is recognised by its fields; anything else is an `InvalidArgumentError` on `source`
 * (`--from` in `maria-bench chart`).
 */
export function chartFromResults(report: unknown, fileName: string, source = '--from'): ResultsChart | undefined {
  if (!isObject(report)) throw new InvalidArgumentError(source, fileName, 'a JSON object written by maria-bench');
  const row = firstRow(report);
  if (Array.isArray(report.speedups) && 'impl' in row) {
    const rows = rowsOf(report) as unknown as OpsRow[];
    // The bench draws no chart of a single thread count.
    if (new Set(rows.map((entry) => entry.threads)).size < 2) return undefined;
    return { benchmark: 'ops', spec: opsChartSpec(rows), svgName: 'ops-threads.svg' };
  }
  if ('length' in row && 'tokensPerSecond' in row && isObject(report.settings)) {
    return { benchmark: 'throughput', spec: throughputChartSpec(rowsOf(report) as unknown as ThroughputRow[], report.settings as unknown as ThroughputChartSettings), svgName: 'throughput.svg' };
  }
  if ('rate' in row && 'ppl' in row && isObject(report.config)) {
    const config = report.config as unknown as PplChartConfig;
    return { benchmark: 'ppl', spec: pplChartSpec(rowsOf(report) as unknown as MaskedPplRow[], config), svgName: `${path.basename(config.data).replace(/\.[^.]*$/, '') || 'ppl'}.svg` };
  }
  if (Array.isArray(report.points) && isObject(report.trajectory)) {
    return { benchmark: 'anneal', spec: annealChartSpec(report as unknown as AnnealChartInput), svgName: 'anneal.svg' };
  }
  if (Array.isArray(report.runs) && isObject(report.settings)) {
    return { benchmark: 'init-curves', spec: initCurvesChartSpec(report.runs as InitCurvesChartRun[], report.settings as unknown as InitCurvesChartSettings), svgName: 'init-curves.svg' };
  }
  if ('rating' in row && typeof report.confidence === 'number' && isObject(report.settings) && typeof report.judge === 'string') {
    const settings = report.settings as { prompts: number; maskRate: number };
    const intervals = rowsOf(report) as unknown as RatingInterval[];
    return { benchmark: 'elo', spec: ratingChartSpec({ title: eloChartTitle(report.judge, settings.prompts, settings.maskRate), intervals, confidence: report.confidence }), svgName: 'elo.svg' };
  }
  throw new InvalidArgumentError(source, fileName, 'the results JSON of maria-bench ops, throughput, ppl, anneal, init-curves or elo');
}
