import type { TopLevelSpec } from 'vega-lite';
import { seriesColorScale } from './chart-palette.js';
import { renderVegaLiteSvg, writeVegaLiteSvg } from './vega-lite-svg.js';

/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/**
 * One axis of a chart. The title reads `label (unit)`, so every axis states its unit; a
 * quantity without one names what it is instead (e.g. `share of tokens masked`).
 */
export interface ChartAxis {
  readonly label: string;
  readonly unit: string;
  /** A log scale, e.g. perplexity or tokens/s spanning decades. */
  readonly log?: boolean;
  /** Whole-number ticks only, for counts such as threads. */
  readonly integer?: boolean;
}

/** One plot: a set of lines that share both axes, hence one unit per axis. */
export interface LineChartPanel {
  /** The panel's own heading; a single-panel chart needs none. */
  readonly title?: string;
  readonly x: ChartAxis;
  readonly y: ChartAxis;
  readonly series: readonly ChartSeries[];
}

export interface LineChartOptions extends LineChartPanel {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
}

/** Several plots stacked vertically under one title, each with its own axes and legend. */
export interface PanelChartOptions {
  readonly title: string;
  readonly panels: readonly LineChartPanel[];
  readonly width?: number;
  readonly height?: number;
}

/** The axis title: `label (unit)`. */
export function axisTitle(axis: ChartAxis): string {
  return `${axis.label} (${axis.unit})`;
}

/** At most this many distinct values on an integer axis get a tick each; more get round ticks. */
const MAX_LISTED_TICKS = 12;

/**
 * Whole-number ticks: every value present when there are few (thread counts 1, 2, 4, 8),
 * otherwise ticks at least 1 apart; either way formatted without decimals, so no 1.5 appears.
 */
function integerAxis(values: readonly number[]) {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  return distinct.length <= MAX_LISTED_TICKS ? { values: distinct, format: 'd', tickMinStep: 1 } : { format: 'd', tickMinStep: 1 };
}

function positionEncoding(field: 'x' | 'y', axis: ChartAxis, values: readonly number[]) {
  return {
    field,
    type: 'quantitative' as const,
    title: axisTitle(axis),
    scale: axis.log ? { type: 'log' as const } : { zero: false },
    ...(axis.integer ? { axis: integerAxis(values) } : {}),
  };
}

/** The line-and-point view of one panel, without the top-level fields. */
function panelView(panel: LineChartPanel, width: number, height: number, allNames?: readonly string[]) {
  const names = panel.series.map((series) => series.name);
  if (new Set(names).size !== names.length) throw new Error(`chart series names must be distinct: ${names.join(', ')}`);
  const values = panel.series.flatMap((series) => series.points.map((point) => ({ series: series.name, x: point.x, y: point.y })));
  return {
    ...(panel.title ? { title: panel.title } : {}),
    width,
    height,
    data: { values },
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: positionEncoding('x', panel.x, values.map((value) => value.x)),
      y: positionEncoding('y', panel.y, values.map((value) => value.y)),
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        sort: names,
        scale: seriesColorScale(names, allNames),
        legend: { labelLimit: 0, orient: 'bottom' as const, direction: 'vertical' as const },
      },
    },
  };
}

/** The Vega-Lite spec of a multi-series line chart with point markers. */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    ...panelView(options, options.width ?? 480, options.height ?? 300),
    title: options.title,
  };
}

/**
 * The Vega-Lite spec of stacked line-chart panels: quantities in different units (GFLOP/s and
 * tokens/s, say) each get their own plot rather than sharing one axis. A series in several
 * panels has the same colour in each.
 */
export function panelChartSpec(options: PanelChartOptions): TopLevelSpec {
  const allNames = options.panels.flatMap((panel) => panel.series.map((series) => series.name));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    background: 'white',
    vconcat: options.panels.map((panel) => panelView(panel, options.width ?? 480, options.height ?? 260, allNames)),
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' }, legend: { color: 'independent' } },
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
