import type { EngineInfo } from '@maria-ts/core';
import type { OpsRow } from '../ops/ops-benchmark.js';
import type { ThroughputReport, ThroughputRow } from '../throughput/throughput-benchmark.js';
import type { EngineConfiguration } from './engine-configurations.js';
import type { TrainingStepRow } from './training-steps.js';

/** One measured quantity across the configurations (higher is better for every metric). */
export interface EngineMetric {
  readonly metric: string;
  readonly unit: 'GFLOP/s' | 'tokens/s';
  /** Configuration label → rate; absent where that configuration did not run. */
  readonly values: Readonly<Record<string, number>>;
}

/** `numerator / denominator` for one metric. */
export interface EngineRatio {
  readonly metric: string;
  readonly ratio: string;
  readonly value: number;
}

/** The metrics of one configuration's child runs, keyed so that every configuration lines up. */
export function configurationMetrics(ops: readonly OpsRow[], throughput: readonly ThroughputRow[], steps: readonly TrainingStepRow[]): { metric: string; unit: EngineMetric['unit']; value: number }[] {
  return [
    ...ops.map((row) => ({
      metric: `ops ${row.op} (${row.impl})`,
      unit: row.gflops !== undefined ? ('GFLOP/s' as const) : ('tokens/s' as const),
      value: row.gflops ?? row.tokensPerSecond ?? 0,
    })),
    ...throughput.map((row) => ({ metric: `infill ${row.method} length ${row.length}`, unit: 'tokens/s' as const, value: row.tokensPerSecond })),
    ...steps.map((row) => ({ metric: `${row.op} b${row.batch}×${row.length}`, unit: 'tokens/s' as const, value: row.tokensPerSecond })),
  ];
}

/** Collects per-configuration metrics into one row per metric, in first-seen order. */
export function mergeMetrics(perConfiguration: ReadonlyMap<string, ReturnType<typeof configurationMetrics>>): EngineMetric[] {
  const merged = new Map<string, { unit: EngineMetric['unit']; values: Record<string, number> }>();
  for (const [label, metrics] of perConfiguration) {
    for (const { metric, unit, value } of metrics) {
      const entry = merged.get(metric) ?? { unit, values: {} };
      entry.values[label] = value;
      merged.set(metric, entry);
    }
  }
  return [...merged].map(([metric, { unit, values }]) => ({ metric, unit, values }));
}

/**
 * Every configuration against the first (the baseline, e.g. wasm at one thread), and the
 * last against each middle one (e.g. tensorflow against wasm at two threads), per metric.
 */
export function engineRatios(metrics: readonly EngineMetric[], labels: readonly string[]): EngineRatio[] {
  const pairs: [string, string][] = [];
  const [baseline, ...others] = labels;
  if (baseline === undefined) return [];
  for (const label of others) pairs.push([label, baseline]);
  const last = labels.at(-1);
  if (last !== undefined) for (const middle of labels.slice(1, -1)) pairs.push([last, middle]);
  return metrics.flatMap((metric) =>
    pairs.flatMap(([top, bottom]) => {
      const numerator = metric.values[top];
      const denominator = metric.values[bottom];
      if (numerator === undefined || denominator === undefined || !(denominator > 0)) return [];
      return [{ metric: metric.metric, ratio: `${top} / ${bottom}`, value: Number((numerator / denominator).toFixed(2)) }];
    }),
  );
}

/** What `maria-bench engines` writes to engines.json: every metric per configuration, and the ratios. */
export interface EnginesReport {
  readonly configurations: readonly EngineConfiguration[];
  /** Configurations whose child runs failed (e.g. the tensorflow engine is not installed), with the reason. */
  readonly failed: readonly { readonly label: string; readonly reason: string }[];
  readonly metrics: readonly EngineMetric[];
  readonly ratios: readonly EngineRatio[];
  readonly engines: Readonly<Record<string, EngineInfo | undefined>>;
  readonly environment: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly date: string };
}

/** What `maria-bench throughput --engines …` writes to throughput-engines.json: one report per configuration. */
export interface ThroughputEnginesReport {
  readonly configurations: readonly { readonly configuration: EngineConfiguration; readonly report: ThroughputReport }[];
  /** Configurations that could not run (e.g. an engine that is not installed), with the reason. */
  readonly failed: readonly { readonly label: string; readonly reason: string }[];
}
