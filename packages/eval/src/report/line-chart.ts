import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg, writeVegaLiteSvg } from './vega-lite-svg.js';

/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Log-scale axes, e.g. perplexity against masking rate. */
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** The Vega-Lite spec of a multi-series line chart with point markers. */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  const values = options.series.flatMap((series) => series.points.map((point) => ({ series: series.name, x: point.x, y: point.y })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: options.width ?? 480,
    height: options.height ?? 300,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xLabel, scale: options.logX ? { type: 'log' } : { zero: false } },
      y: { field: 'y', type: 'quantitative', title: options.yLabel, scale: options.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/**
 * Renders a line chart to a standalone SVG string with Vega-Lite, headless (no browser, no
 * canvas), so benchmarks and training runs can drop a chart next to their JSON.
 */
export function renderLineChartSvg(options: LineChartOptions): Promise<string> {
  return renderVegaLiteSvg(lineChartSpec(options));
}

/** Renders and writes the chart atomically to `file` (an `.svg` path). */
export function writeLineChart(file: string, options: LineChartOptions): Promise<void> {
  return writeVegaLiteSvg(file, lineChartSpec(options));
}
