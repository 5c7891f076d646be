import type { TopLevelSpec } from 'vega-lite';
import { panelChartSpec, type ChartAxis, type ChartSeries, type LineChartPanel } from '@maria-ts/eval';
import type { OpsRow } from './ops-benchmark.js';

const THREADS_AXIS: ChartAxis = { label: 'wasm threads', unit: 'count', integer: true };

/** How a row's implementation reads in a legend. */
const implLabel = (impl: OpsRow['impl']) => (impl === 'builtin' ? 'built-in tfjs ops' : 'fast ops');

/** One line per op and implementation that has `rate` at some thread count, in row order. */
function seriesOf(rows: readonly OpsRow[], rate: (row: OpsRow) => number | undefined): ChartSeries[] {
  const lines = new Map<string, { x: number; y: number }[]>();
  for (const row of rows) {
    const value = rate(row);
    if (value === undefined) continue;
    const name = `${row.op}, ${implLabel(row.impl)}`;
    lines.set(name, [...(lines.get(name) ?? []), { x: row.threads, y: value }]);
  }
  return [...lines].map(([name, points]) => ({ name, points: points.sort((a, b) => a.x - b.x) }));
}

/**
 * The `maria-bench ops` chart: throughput against wasm thread count, one line per op and
 * implementation. GFLOP/s and tokens/s are different units, so each gets its own panel (a
 * training-step row appears in both); thread counts are whole numbers on the x axis.
 */
export function opsChartSpec(rows: readonly OpsRow[]): TopLevelSpec {
  const panels: LineChartPanel[] = [
    { title: 'Arithmetic rate: matmuls, their gradients and the training step', x: THREADS_AXIS, y: { label: 'arithmetic rate', unit: 'GFLOP/s', log: true }, series: seriesOf(rows, (row) => row.gflops) },
    { title: 'Token rate: training and decode steps', x: THREADS_AXIS, y: { label: 'token rate', unit: 'tokens/s', log: true }, series: seriesOf(rows, (row) => row.tokensPerSecond) },
  ].filter((panel) => panel.series.length > 0);
  return panelChartSpec({ title: 'Op throughput against wasm threads', panels, width: 520 });
}
