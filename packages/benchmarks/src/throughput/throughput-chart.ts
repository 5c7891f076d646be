import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from '@maria-ts/eval';
import type { ThroughputRow } from './throughput-benchmark.js';

/** The settings the throughput chart's title states. */
export interface ThroughputChartSettings {
  readonly maskRate: number;
  readonly diffusionSteps: number;
}

/**
 * Figure 3 as `maria-bench throughput` draws it: filled tokens per second against sequence
 * length, one line per method, both axes log-scaled.
 */
export function throughputChartSpec(rows: readonly ThroughputRow[], settings: ThroughputChartSettings): TopLevelSpec {
  const methods = [...new Set(rows.map((row) => row.method))];
  return lineChartSpec({
    title: `Infill throughput, ${Math.round(settings.maskRate * 100)}% masked (diffusion: ${settings.diffusionSteps} steps or one per masked token)`,
    x: { label: 'sequence length', unit: 'tokens', log: true },
    y: { label: 'infill throughput', unit: 'filled tokens/s', log: true },
    series: methods.map((method) => ({ name: method, points: rows.filter((row) => row.method === method).map((row) => ({ x: row.length, y: row.tokensPerSecond })) })),
  });
}
