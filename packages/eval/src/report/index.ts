export { CHART_PALETTE, seriesColorScale } from './chart-palette.js';
export {
  axisTitle,
  lineChartSpec,
  panelChartSpec,
  renderLineChartSvg,
  writeLineChart,
  type ChartAxis,
  type ChartSeries,
  type LineChartOptions,
  type LineChartPanel,
  type PanelChartOptions,
} from './line-chart.js';
export { markdownTable, type MarkdownAlign } from './markdown-table.js';
export { renderVegaLiteSvg, writeVegaLiteSvg } from './vega-lite-svg.js';
